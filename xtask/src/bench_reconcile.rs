//! The desired-state benchmark: 10,000 auths that a restart took off a simulator (kept in memory there)
//! are put back by Conjure's watcher, against pushing the same number straight to the simulator at the
//! same concurrency, in the same run; then a drift check of the 10,000 objects in sync.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::processes::{Server, free_port, kib, wait_for};
use crate::wire::{connect, exchange};

const OBJECTS: usize = 10_000;
/// The reconciler's own concurrency (desired/reconcile.rs).
const CONCURRENCY: usize = 8;

fn body(i: usize) -> String {
    format!(
        r#"{{"fields":[{{"attribute":"username","value":"u{i}"}},{{"attribute":"password","value":"bench-secret-{i}"}}]}}"#
    )
}

/// PUTs auths `prefix{i}` for every i, from `CONCURRENCY` connections; seconds taken.
fn push_all(port: u16, path: &str, auth: &str, prefix: &str) -> anyhow::Result<f64> {
    let start = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|w| {
            let (auth, path, prefix) = (auth.to_string(), path.to_string(), prefix.to_string());
            std::thread::spawn(move || -> anyhow::Result<()> {
                let mut s = connect(port)?;
                for i in (w..OBJECTS).step_by(CONCURRENCY) {
                    let (status, text) = exchange(
                        &mut s,
                        "PUT",
                        &format!("{path}{prefix}{i:05}"),
                        &auth,
                        &body(i),
                    )?;
                    if status != 200 {
                        bail!("PUT {prefix}{i:05}: {status} {text}");
                    }
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a bench thread panicked")?;
    }
    Ok(start.elapsed().as_secs_f64())
}

/// Waits on `/api/status?wait=<seq>` (the status bar's long poll) until the watcher's line says a
/// reconcile after a restart finished; returns that line.
fn wait_restored(port: u16, auth: &str) -> anyhow::Result<String> {
    let mut s = connect(port)?;
    let mut query = String::new();
    loop {
        let (_, text) = exchange(&mut s, "GET", &format!("/api/status{query}"), auth, "")?;
        let v: serde_json::Value = serde_json::from_str(&text)?;
        let line = v["watch"].as_str().unwrap_or_default().to_string();
        if line.contains("Asterisk restarted at") && line.contains("restored") {
            return Ok(line);
        }
        query = format!("?wait={}", v["seq"]);
    }
}

pub fn run(
    root: &Path,
    cpu_us: [f64; 2],
    sim_auth: &str,
    conjure_auth: &str,
) -> anyhow::Result<()> {
    let sim_port = free_port();
    let sim = Server(
        Command::new(root.join("target/release/asterisk-sim"))
            .args([
                "--listen",
                &format!("127.0.0.1:{sim_port}"),
                "--memory",
                "auth",
            ])
            .args(["--read-cpu-us", &format!("{:.0}", cpu_us[0])])
            .args(["--write-cpu-us", &format!("{:.0}", cpu_us[1])])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?,
    );
    wait_for(sim_port)?;
    let data = root.join("target/bench-reconcile");
    let (conjure, port) = crate::processes::spawn_conjure(root, &data, sim_port)?;
    let pid = conjure.0.id();
    push_all(port, "/api/objects/auth/", conjure_auth, "r")?;
    let direct = push_all(
        sim_port,
        "/ari/asterisk/config/dynamic/res_pjsip/auth/",
        sim_auth,
        "d",
    )?;

    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let start = Instant::now();
    let hup = Command::new("kill")
        .args(["-HUP", &sim.0.id().to_string()])
        .status()
        .context("kill -HUP")?;
    if !hup.success() {
        bail!("could not restart the simulator");
    }
    let line = wait_restored(port, conjure_auth)?;
    let reconcile = start.elapsed().as_secs_f64();
    if !line.contains(&format!("{OBJECTS} of {OBJECTS} objects restored")) {
        bail!("the reconcile did not restore every object: {line}");
    }
    let peak_reconcile = kib(pid, "VmHWM:");

    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let mut s = connect(port)?;
    let start = Instant::now();
    let (status, text) = exchange(&mut s, "GET", "/api/drift", conjure_auth, "")?;
    let drift = start.elapsed().as_secs_f64();
    let v: serde_json::Value = serde_json::from_str(&text)?;
    if status != 200 || v["in_sync"].as_u64() != Some(OBJECTS as u64) {
        bail!("the drift check did not find every object in sync: {status} {text:.300}");
    }
    let peak_drift = kib(pid, "VmHWM:");
    println!(
        "\ndesired state: {OBJECTS} auths (their passwords sealed), {CONCURRENCY} at a time, the simulator at the real Asterisk's rates"
    );
    println!(
        "  pushed straight to the simulator:       {direct:>6.2} s  {:>6.0} objects/s",
        OBJECTS as f64 / direct
    );
    println!(
        "  restored by Conjure after a restart:    {reconcile:>6.2} s  {:>6.0} objects/s  ({:.2}x direct; \
         each object is read, pushed and read back, and the watcher notices the restart within 200 ms)",
        OBJECTS as f64 / reconcile,
        direct / reconcile
    );
    println!("  drift check of {OBJECTS} objects in sync: {drift:>6.2} s");
    println!(
        "  Conjure's peak RSS: {:.1} MB during the reconcile, {:.1} MB during the drift check",
        peak_reconcile as f64 / 1024.0,
        peak_drift as f64 / 1024.0
    );
    Ok(())
}
