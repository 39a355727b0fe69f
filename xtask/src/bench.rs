//! `cargo xtask bench`: PUT and GET on auth objects, sequential and 8 concurrent, through Conjure's ARI door
//! and straight to the simulator, in the same run; the ratio is what Conjure costs. Also Conjure's idle and
//! peak memory, and what a browser receives on a first visit (Chromium). Load comes from wrk (Debian), which is not the
//! bottleneck; it shares the machine's 2 cores with both servers, as in the reference measurements.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;

use crate::processes::{Server, free_port, kib, run, start_sim, wait_for};

const OBJECTS: usize = 500;
const SECONDS: u32 = 4;
const PREFIX: &str = "/ari/asterisk/config/dynamic/res_pjsip/auth/";

/// The real Asterisk's rates at 8 connections on this kind of machine (issue 10's measurements, close to
/// timing.md's): the simulator is slowed to them so the baseline is not a simulator faster than Asterisk.
const ASTERISK_GET_RATE: f64 = 45_000.0;
const ASTERISK_PUT_RATE: f64 = 22_000.0;

/// What one wrk run measured.
struct Run {
    rate: f64,
    /// Median latency, milliseconds.
    p50_ms: f64,
}

/// wrk's "50%  123.00us" line, in milliseconds.
fn median_ms(text: &str) -> Option<f64> {
    let v = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("50%"))?
        .trim();
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic())?);
    let num: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => num / 1000.0,
        "ms" => num,
        "s" => num * 1000.0,
        _ => return None,
    })
}

/// One wrk run; returns requests per second, refusing runs with any non-2xx answer.
fn wrk(url: &str, auth: &str, put: bool, conns: u32, root: &Path) -> anyhow::Result<f64> {
    wrk_run(url, auth, put, conns, SECONDS, root).map(|r| r.rate)
}

fn wrk_run(
    url: &str,
    auth: &str,
    put: bool,
    conns: u32,
    seconds: u32,
    root: &Path,
) -> anyhow::Result<Run> {
    let script = root.join("target/bench-put.lua");
    std::fs::write(
        &script,
        format!(
            r#"local n = 0
request = function()
  n = n + 1
  local id = "bench-" .. (n % {OBJECTS})
  return wrk.format("PUT", "{PREFIX}" .. id, {{["Content-Type"] = "application/json", ["Authorization"] = "{auth}"}},
    '{{"fields":[{{"attribute":"username","value":"' .. id .. '"}},{{"attribute":"password","value":"p' .. n .. '"}}]}}')
end
"#
        ),
    )?;
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t1",
        "--latency",
        &format!("-c{conns}"),
        &format!("-d{seconds}s"),
    ]);
    if put {
        cmd.arg("-s").arg(&script).arg(url);
    } else {
        cmd.args([
            "-H",
            &format!("Authorization: {auth}"),
            &format!("{url}{PREFIX}bench-1"),
        ]);
    }
    let out = cmd
        .output()
        .context("wrk is not installed: run `cargo xtask setup`")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("Non-2xx") || text.contains("Socket errors") {
        bail!("wrk saw errors against {url}:\n{text}");
    }
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no rate in wrk's output:\n{text}"))?;
    let p50_ms = median_ms(&text).with_context(|| format!("no median in wrk's output:\n{text}"))?;
    Ok(Run { rate, p50_ms })
}

/// The simulator, slowed until it answers GET and PUT at 8 connections at the real Asterisk's rates
/// (within 10 %): each request's CPU time is adjusted from the last measurement, as the single-threaded
/// simulator's rate is about 1 / (its own time + the added time).
pub(crate) fn calibrated_sim(
    root: &Path,
    port: u16,
    auth: &str,
) -> anyhow::Result<(Server, [f64; 2])> {
    let url = format!("http://127.0.0.1:{port}");
    let targets = [ASTERISK_GET_RATE, ASTERISK_PUT_RATE];
    let mut cpu_us = [10.0, 25.0];
    for round in 0..4 {
        let sim = start_sim(root, port, cpu_us)?;
        // PUT first: it creates the objects the GETs read.
        let put = wrk_run(&url, auth, true, 8, 2, root)?.rate;
        let get = wrk_run(&url, auth, false, 8, 2, root)?.rate;
        let rates = [get, put];
        let close = (0..2).all(|i| (rates[i] / targets[i] - 1.0).abs() < 0.1);
        println!(
            "calibration {round}: +{:.0} us per GET -> {get:.0}/s, +{:.0} us per PUT -> {put:.0}/s",
            cpu_us[0], cpu_us[1]
        );
        if close || round == 3 {
            return Ok((sim, cpu_us));
        }
        drop(sim);
        for i in 0..2 {
            let own = 1e6 / rates[i] - cpu_us[i];
            cpu_us[i] = (1e6 / targets[i] - own).max(0.0);
        }
    }
    unreachable!("the last round returns")
}

/// nginx as a plain proxy that adds the ARI credentials, as in the reference measurements: the yardstick
/// for what any proxy costs on this machine.
fn nginx(root: &Path, port: u16, sim_port: u16, auth: &str) -> anyhow::Result<Server> {
    let dir = root.join("target/bench-nginx");
    std::fs::create_dir_all(dir.join("logs"))?;
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            r#"worker_processes 1;
error_log logs/error.log warn;
pid logs/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  upstream asterisk {{ server 127.0.0.1:{sim_port}; keepalive 16; }}
  server {{
    listen 127.0.0.1:{port};
    location /ari/ {{
      proxy_pass http://asterisk;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "{auth}";
    }}
  }}
}}
"#
        ),
    )?;
    let child = Command::new("nginx")
        .arg("-p")
        .arg(&dir)
        // One process: killing it leaves no worker behind to load the next run.
        .args(["-c", "nginx.conf", "-g", "daemon off; master_process off;"])
        .stdout(Stdio::null())
        .spawn()
        .context("nginx is not installed: run `cargo xtask setup`")?;
    wait_for(port)?;
    Ok(Server(child))
}

/// The fleet's benchmark alone (`cargo xtask bench fleet`).
pub fn run_fleet(root: &Path) -> anyhow::Result<()> {
    release_build()?;
    let port = free_port();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("asterisk:asterisk")
    );
    let (sim, cpu_us) = calibrated_sim(root, port, &auth)?;
    drop(sim);
    let admin = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("admin:bench")
    );
    crate::bench_fleet::run(root, cpu_us, &admin)
}

fn release_build() -> anyhow::Result<()> {
    run(Command::new("cargo").args([
        "build",
        "--release",
        "--locked",
        "-p",
        "conjure",
        "-p",
        "asterisk-sim",
    ]))
}

pub fn run_all(root: &Path) -> anyhow::Result<()> {
    release_build()?;
    let (sim_port, conjure_port, nginx_port) = (free_port(), free_port(), free_port());
    let b64 = |s: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    };
    let (_sim, cpu_us) = calibrated_sim(root, sim_port, &b64("asterisk:asterisk"))?;
    let data = root.join("target/bench-data");
    // A fresh state each run: an earlier run's phone users would make the import skip every row.
    let _ = std::fs::remove_dir_all(&data);
    let conjure = Server(
        Command::new(root.join("target/release/conjure"))
            .args([
                "--listen",
                &format!("127.0.0.1:{conjure_port}"),
                "--ari-url",
                &format!("http://127.0.0.1:{sim_port}"),
            ])
            .arg("--data-dir")
            .arg(&data)
            .arg("--dist")
            .arg(root.join("dist"))
            .env("CONJURE_ARI_USER", "asterisk")
            .env("CONJURE_ARI_PASSWORD", "asterisk")
            .env("CONJURE_ADMIN_PASSWORD", "bench")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?,
    );
    wait_for(conjure_port)?;
    let pid = conjure.0.id();
    std::thread::sleep(Duration::from_millis(300));
    let idle_rss = kib(pid, "VmRSS:");

    let direct = (
        format!("http://127.0.0.1:{sim_port}"),
        b64("asterisk:asterisk"),
    );
    let through = (
        format!("http://127.0.0.1:{conjure_port}"),
        b64("admin:bench"),
    );
    let _nginx = nginx(root, nginx_port, sim_port, &direct.1)?;
    // nginx adds the credentials itself; the client's header is ignored upstream.
    let via_nginx = (format!("http://127.0.0.1:{nginx_port}"), b64("x:x"));
    // Creates the objects the GETs and PUTs use.
    wrk(&direct.0, &direct.1, true, 8, root)?;

    println!(
        "\nauth objects, wrk 1 thread, {SECONDS} s per cell; servers and wrk share the 2 cores; the simulator \
         spends +{:.0} us per GET and +{:.0} us per PUT (the real Asterisk's rates)",
        cpu_us[0], cpu_us[1]
    );
    println!(
        "{:<18} {:>13} {:>13} {:>13} {:>9} {:>9}",
        "scenario", "direct req/s", "Conjure", "nginx", "Conjure/", "nginx/"
    );
    println!(
        "{:<18} {:>13} {:>13} {:>13} {:>9} {:>9}",
        "", "(simulator)", "req/s", "req/s", "direct", "direct"
    );
    let mut medians = Vec::new();
    for (name, put, conns) in [
        ("GET sequential", false, 1),
        ("GET 8 concurrent", false, 8),
        ("PUT sequential", true, 1),
        ("PUT 8 concurrent", true, 8),
    ] {
        let d = wrk_run(&direct.0, &direct.1, put, conns, SECONDS, root)?;
        let c = wrk_run(&through.0, &through.1, put, conns, SECONDS, root)?;
        let n = wrk_run(&via_nginx.0, &via_nginx.1, put, conns, SECONDS, root)?;
        println!(
            "{name:<18} {:>13.0} {:>13.0} {:>13.0} {:>8.2}x {:>8.2}x",
            d.rate,
            c.rate,
            n.rate,
            c.rate / d.rate,
            n.rate / d.rate
        );
        if conns == 1 {
            medians.push((name, d.p50_ms, c.p50_ms, n.p50_ms));
        }
    }
    for (name, d, c, n) in medians {
        println!(
            "{name}: median {d:.3} ms direct, {c:.3} ms through Conjure (+{:.3} ms), {n:.3} ms through nginx (+{:.3} ms)",
            c - d,
            n - d
        );
    }
    let peak = kib(pid, "VmHWM:");
    println!(
        "\nConjure RSS: idle {:.1} MB, peak {:.1} MB",
        idle_rss as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    crate::bench_import::run(sim_port, conjure_port, pid, &direct.1, &through.1)?;
    crate::bench_reconcile::run(root, cpu_us, &direct.1, &through.1)?;
    drop(conjure);
    drop(_sim);
    crate::bench_fleet::run(root, cpu_us, &through.1)?;
    crate::bench_config::run(root)?;
    // What a browser receives on a first visit, in Chromium; the test fails above its 350 KB budget.
    browser_bench(root, "first_visit", false)?;
    browser_bench(root, "inventory_bench", true)
}

/// A test of the e2e crate that measures in headless Chromium and prints `BENCH` lines; `ignored`: one
/// that only the bench runs.
fn browser_bench(root: &Path, test: &str, ignored: bool) -> anyhow::Result<()> {
    let mut cmd = Command::new("cargo");
    cmd.args([
        "test",
        "--release",
        "--locked",
        "-p",
        "e2e",
        "--test",
        test,
        "--",
    ]);
    if ignored {
        cmd.arg("--ignored");
    }
    let out = cmd
        .arg("--nocapture")
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    println!();
    for line in text.lines().filter_map(|l| l.strip_prefix("BENCH ")) {
        println!("{line}");
    }
    if !out.status.success() {
        bail!("the {test} benchmark failed:\n{text}");
    }
    Ok(())
}
