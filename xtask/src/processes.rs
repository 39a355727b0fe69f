//! The processes a benchmark or a task starts: commands run in the workspace root, servers killed when
//! dropped, free ports, and what `/proc` says of a process's CPU and memory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs a command in the workspace root, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("\x1b[1mxtask:\x1b[0m {shown}");
    let status = cmd
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn wait_for(port: u16) -> anyhow::Result<()> {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(20) {
            bail!("nothing listens on port {port} after 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// CPU seconds (user + system) process `pid` has used so far (Linux: `/proc/<pid>/stat`, in ticks of
/// 1/100 s).
pub(crate) fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

pub fn kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The release `conjure` in front of the simulator on `sim_port`, its state in a fresh `data`, its
/// watcher looking every 200 ms; and its port.
pub(crate) fn spawn_conjure(
    root: &Path,
    data: &Path,
    sim_port: u16,
) -> anyhow::Result<(Server, u16)> {
    let port = free_port();
    let _ = std::fs::remove_dir_all(data);
    let c = Server(
        Command::new(root.join("target/release/conjure"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--ari-url", &format!("http://127.0.0.1:{sim_port}")])
            .args(["--watch-interval-ms", "200"])
            .arg("--data-dir")
            .arg(data)
            .env("CONJURE_ARI_PASSWORD", "asterisk")
            .env("CONJURE_ADMIN_PASSWORD", "bench")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?,
    );
    wait_for(port)?;
    Ok((c, port))
}

pub(crate) fn start_sim(root: &Path, port: u16, cpu_us: [f64; 2]) -> anyhow::Result<Server> {
    let sim = Server(
        Command::new(root.join("target/release/asterisk-sim"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--read-cpu-us", &format!("{:.0}", cpu_us[0])])
            .args(["--write-cpu-us", &format!("{:.0}", cpu_us[1])])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?,
    );
    wait_for(port)?;
    Ok(sim)
}
