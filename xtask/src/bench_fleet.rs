//! The fleet benchmark: 10,000 phone users (30,000 objects) imported through Conjure to one simulated
//! server, then to four (each at the real Asterisk's rates), then to four with one of them stopped
//! (the other three finish; the fourth is brought level once it starts again), all in the same run;
//! and a drift check of every server.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::bench_import::{USERS, through_conjure};
use crate::processes::{Server, cpu_seconds, free_port, kib, spawn_conjure, start_sim};
use crate::wire::{connect, exchange};

struct Fleet {
    conjure: Server,
    port: u16,
    sims: Vec<(u16, Option<Server>)>,
}

/// Conjure in front of `n` fresh simulators: the first is its `--ari-url`, the others are added.
fn fleet(root: &Path, n: usize, cpu_us: [f64; 2], auth: &str) -> anyhow::Result<Fleet> {
    let mut sims = Vec::new();
    for _ in 0..n {
        let port = free_port();
        sims.push((port, Some(start_sim(root, port, cpu_us)?)));
    }
    let data: PathBuf = root.join(format!("target/bench-fleet-{n}"));
    let (conjure, port) = spawn_conjure(root, &data, sims[0].0)?;
    let mut s = connect(port)?;
    for (i, (sim_port, _)) in sims.iter().enumerate().skip(1) {
        let body = format!(
            r#"{{"name":"s{}","ari_url":"http://127.0.0.1:{sim_port}","ari_user":"asterisk","ari_password":"asterisk"}}"#,
            i + 1
        );
        let (status, text) = exchange(&mut s, "POST", "/api/servers", auth, &body)?;
        if status != 201 {
            bail!("adding simulator {}: {status} {text}", i + 1);
        }
    }
    Ok(Fleet {
        conjure,
        port,
        sims,
    })
}

impl Fleet {
    /// CPU seconds used so far by Conjure, and by all the simulators together.
    fn cpu(&self) -> (f64, f64) {
        let sims = self
            .sims
            .iter()
            .filter_map(|(_, s)| s.as_ref())
            .map(|s| cpu_seconds(s.0.id()))
            .sum();
        (cpu_seconds(self.conjure.0.id()), sims)
    }
}

/// Waits (the fleet's long poll) until nothing waits for any server and no server reconciles.
fn level(port: u16, auth: &str) -> anyhow::Result<()> {
    let mut s = connect(port)?;
    let mut query = String::new();
    let give_up = Instant::now() + Duration::from_secs(900);
    loop {
        let (_, text) = exchange(&mut s, "GET", &format!("/api/fleet{query}"), auth, "")?;
        let v: serde_json::Value = serde_json::from_str(&text)?;
        let busy = v["servers"]
            .as_array()
            .context("no servers")?
            .iter()
            .any(|s| {
                s["state"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("reconciling"))
            });
        if v["pending_total"] == 0 && !busy {
            return Ok(());
        }
        if Instant::now() > give_up {
            bail!("the fleet was not level after 15 minutes: {text:.400}");
        }
        query = format!("?wait={}", v["seq"]);
    }
}

fn count_on(sim_port: u16, id: &str) -> anyhow::Result<u16> {
    let mut s = connect(sim_port)?;
    let (status, _) = exchange(
        &mut s,
        "GET",
        &format!("/ari/asterisk/config/dynamic/res_pjsip/endpoint/{id}"),
        "Basic YXN0ZXJpc2s6YXN0ZXJpc2s=",
        "",
    )?;
    Ok(status)
}

pub fn run(root: &Path, cpu_us: [f64; 2], auth: &str) -> anyhow::Result<()> {
    let last = format!("{}", 100_000 + USERS - 1);
    let one = fleet(root, 1, cpu_us, auth)?;
    let cpu0 = one.cpu();
    let (single, _) = through_conjure(one.port, auth)?;
    let cpu1 = one.cpu();
    drop(one);

    let four = fleet(root, 4, cpu_us, auth)?;
    let pid = four.conjure.0.id();
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let cpu_before = four.cpu();
    let (spread, progress) = through_conjure(four.port, auth)?;
    let cpu_after = four.cpu();
    if progress["created"].as_u64() != Some(USERS as u64) {
        bail!("the import to four servers did not create every user: {progress}");
    }
    for (port, _) in &four.sims {
        if count_on(*port, &last)? != 200 {
            bail!("a server of four does not have the last user");
        }
    }
    let peak_import = kib(pid, "VmHWM:");
    // A drift check of each server, all four at once.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let start = Instant::now();
    let checks: Vec<_> = ["", "?server=s2", "?server=s3", "?server=s4"]
        .into_iter()
        .map(|q| {
            let (port, auth) = (four.port, auth.to_string());
            std::thread::spawn(move || -> anyhow::Result<u64> {
                let mut s = connect(port)?;
                let (status, text) = exchange(&mut s, "GET", &format!("/api/drift{q}"), &auth, "")?;
                let v: serde_json::Value = serde_json::from_str(&text)?;
                if status != 200 || !v["items"].as_array().is_some_and(Vec::is_empty) {
                    bail!("drift {q}: {status} {text:.300}");
                }
                v["checked"].as_u64().context("no count")
            })
        })
        .collect();
    let mut checked = 0;
    for c in checks {
        checked += c.join().expect("a drift thread panicked")?;
    }
    let drift = start.elapsed().as_secs_f64();
    let peak_drift = kib(pid, "VmHWM:");
    drop(four);

    // One of four stopped for the whole import, then started again (empty, as after a restart).
    let mut down = fleet(root, 4, cpu_us, auth)?;
    let (stopped_port, stopped) = &mut down.sims[3];
    let stopped_port = *stopped_port;
    drop(stopped.take());
    let (three, _) = through_conjure(down.port, auth)?;
    let start = Instant::now();
    down.sims[3].1 = Some(start_sim(root, stopped_port, cpu_us)?);
    level(down.port, auth)?;
    let caught_up = start.elapsed().as_secs_f64();
    if count_on(stopped_port, &last)? != 200 {
        bail!("the server that was stopped does not have the last user");
    }

    let objects = USERS * 3;
    println!(
        "\nfleet: {USERS} phone users ({objects} objects) imported through Conjure, each simulator at the real Asterisk's rates; \
         all servers, Conjure and the client share the 2 cores"
    );
    println!(
        "  to 1 server:                  {single:>6.2} s  (CPU: Conjure {:.2} s, the simulator {:.2} s)",
        cpu1.0 - cpu0.0,
        cpu1.1 - cpu0.1
    );
    println!(
        "  to 4 servers:                 {spread:>6.2} s  ({:.2}x the single server's time; target <= 1.5x; \
         CPU: Conjure {:.2} s, the four simulators {:.2} s, of the {:.2} s the 2 cores had)",
        spread / single,
        cpu_after.0 - cpu_before.0,
        cpu_after.1 - cpu_before.1,
        spread * 2.0
    );
    println!(
        "  to 4, one of them stopped:    {three:>6.2} s  ({:.2}x; the three that were up have every user)",
        three / single
    );
    println!(
        "  the stopped one, started again, brought level in {caught_up:.2} s ({:.2}x a single-server import; target <= 1.2x)",
        caught_up / single
    );
    println!(
        "  drift check of 4 servers x {} objects ({checked} in all), at once: {drift:.2} s (target <= 5 s for 4 x 10,000)",
        checked / 4
    );
    println!(
        "  Conjure's peak RSS: {:.1} MB importing to 4 servers, {:.1} MB checking their drift",
        peak_import as f64 / 1024.0,
        peak_drift as f64 / 1024.0
    );
    Ok(())
}
