//! The provisioning benchmark: 10,000 phone users (30,000 objects) imported through Conjure, against the
//! same 30,000 objects pushed straight to the simulator at the same concurrency, in the same run.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::wire::{connect, exchange};

pub const USERS: usize = 10_000;
const CONCURRENCY: usize = 8;

/// The bodies Conjure's default template sends for one user.
fn bodies(id: &str) -> [(&'static str, String); 3] {
    let f = |pairs: &[(&str, &str)]| {
        let fields: Vec<String> = pairs
            .iter()
            .map(|(a, v)| {
                format!(
                    r#"{{"attribute":"{a}","value":"{}"}}"#,
                    v.replace('"', "\\\"")
                )
            })
            .collect();
        format!(r#"{{"fields":[{}]}}"#, fields.join(","))
    };
    let callerid = format!("\"Person {id}\" <{id}>");
    [
        (
            "auth",
            f(&[
                ("auth_type", "userpass"),
                ("username", id),
                ("password", "bench-password-123"),
            ]),
        ),
        (
            "aor",
            f(&[
                ("max_contacts", "1"),
                ("remove_existing", "yes"),
                ("qualify_frequency", "60"),
            ]),
        ),
        (
            "endpoint",
            f(&[
                ("context", "internal"),
                ("disallow", "all"),
                ("allow", "g722,ulaw,alaw"),
                ("direct_media", "no"),
                ("rtp_symmetric", "yes"),
                ("force_rport", "yes"),
                ("rewrite_contact", "yes"),
                ("dtmf_mode", "rfc4733"),
                ("auth", id),
                ("aors", id),
                ("callerid", &callerid),
            ]),
        ),
    ]
}

/// Seconds to push every user's three objects straight to the simulator from `CONCURRENCY` connections.
fn direct(sim_port: u16, auth: &str) -> anyhow::Result<f64> {
    let start = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|w| {
            let auth = auth.to_string();
            std::thread::spawn(move || -> anyhow::Result<()> {
                let mut s = connect(sim_port)?;
                for i in (w..USERS).step_by(CONCURRENCY) {
                    let id = format!("d{}", 100_000 + i);
                    for (ty, body) in bodies(&id) {
                        let path = format!("/ari/asterisk/config/dynamic/res_pjsip/{ty}/{id}");
                        let (status, text) = exchange(&mut s, "PUT", &path, &auth, &body)?;
                        if status != 200 {
                            bail!("direct PUT {path}: {status} {text}");
                        }
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

/// Seconds for Conjure to import the same number of users from one CSV file, with their progress polled.
pub(crate) fn through_conjure(port: u16, auth: &str) -> anyhow::Result<(f64, serde_json::Value)> {
    let mut csv = String::from("extension,name,password\n");
    for i in 0..USERS {
        csv.push_str(&format!("{},Person {i},bench-password-123\n", 100_000 + i));
    }
    let mut s = connect(port)?;
    let start = Instant::now();
    let (status, text) = exchange(&mut s, "POST", "/api/imports", auth, &csv)?;
    if status != 202 {
        bail!("starting the import: {status} {text}");
    }
    let id = serde_json::from_str::<serde_json::Value>(&text)?["progress"]["id"]
        .as_u64()
        .context("no import id")?;
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let (_, text) = exchange(&mut s, "GET", &format!("/api/imports/{id}"), auth, "")?;
        let p: serde_json::Value = serde_json::from_str(&text)?;
        if p["finished"] == true {
            return Ok((start.elapsed().as_secs_f64(), p));
        }
        if start.elapsed() > Duration::from_secs(600) {
            bail!("the import did not finish in 10 minutes: {p}");
        }
    }
}

pub fn run(
    sim_port: u16,
    conjure_port: u16,
    pid: u32,
    sim_auth: &str,
    conjure_auth: &str,
) -> anyhow::Result<()> {
    // Peak memory from here on (Linux: writing 5 to clear_refs resets VmHWM).
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let d = direct(sim_port, sim_auth)?;
    let (c, progress) = through_conjure(conjure_port, conjure_auth)?;
    if progress["created"].as_u64() != Some(USERS as u64) {
        bail!("the import did not create every user: {progress}");
    }
    let objects = (USERS * 3) as f64;
    println!(
        "\nprovisioning {USERS} phone users ({} objects), {CONCURRENCY} at a time",
        USERS * 3
    );
    println!(
        "  direct to the simulator: {d:>6.2} s  {:>7.0} objects/s",
        objects / d
    );
    println!(
        "  import through Conjure:  {c:>6.2} s  {:>7.0} objects/s  ({:.2}x direct)",
        objects / c,
        d / c
    );
    println!(
        "  Conjure's peak RSS during the import: {:.1} MB",
        crate::processes::kib(pid, "VmHWM:") as f64 / 1024.0
    );
    Ok(())
}
