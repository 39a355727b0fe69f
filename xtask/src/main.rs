//! `cargo xtask <command>`: the project's commands, so the README needs only two of them.
//!
//! - `setup`: install the tools (idempotent; `scripts/setup.sh`).
//! - `run [conjure flags…]`: setup, build the panel, run Conjure (demo mode without `--ari-url`).
//! - `test`: setup, clippy (warnings are errors), build the panel, run every test (unit, simulator
//!   replay, backend, browser).
//! - `catalog`: regenerate the option catalog in `model/` from the Asterisk measurements.
//! - `bench`: throughput through Conjure against straight to the simulator, memory, and the panel's size
//!   (`bench config`: reading and checking a pjsip.conf of 10,000 phones).

mod bench;
mod bench_config;
mod bench_fleet;
mod bench_import;
mod bench_reconcile;
mod catalog_gen;
mod processes;
mod wire;

use processes::{root, run};

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

fn setup() -> anyhow::Result<()> {
    run(Command::new("bash").arg("scripts/setup.sh"))
}

/// trunk runs cargo offline (Trunk.toml), so dependencies are fetched first.
fn build_spa() -> anyhow::Result<()> {
    run(Command::new("cargo").args(["fetch", "--locked"]))?;
    run(Command::new("trunk").args(["build", "--offline"]))?;
    precompress(&root().join("dist"))
}

/// Brotli and gzip copies of every asset beside it, made once here instead of on every request: the
/// backend's file service sends `x.wasm.br` to a browser that accepts brotli, `x.wasm.gz` to one that
/// accepts only gzip. index.html is left out: the backend rewrites it at start and serves it from memory.
fn precompress(dist: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !path.is_file() || name == "index.html" || name.ends_with(".br") || name.ends_with(".gz")
        {
            continue;
        }
        let status = Command::new("brotli")
            .args(["-f", "-k", "-q", "11"])
            .arg(&path)
            .status()
            .context("brotli is not installed: run `cargo xtask setup`")?;
        let gz = Command::new("gzip")
            .args(["-f", "-k", "-9", "-n"])
            .arg(&path)
            .status()
            .context("gzip is not installed")?;
        if !status.success() || !gz.success() {
            bail!("cannot compress {}", path.display());
        }
    }
    Ok(())
}

/// Clippy over every crate, the panel too (built for the browser, as trunk builds it), with every
/// warning an error: a lint that is allowed to pile up stops being read.
fn lint() -> anyhow::Result<()> {
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(Command::new("cargo").args([
        "clippy",
        "-p",
        "frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))
}

/// `cargo test --workspace`, echoing its output and closing with one total line over every test binary.
fn test(extra: &[String]) -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader, Write};
    if let Ok(url) = std::env::var("CONJURE_TEST_ARI_URL") {
        eprintln!(
            "\x1b[1mxtask:\x1b[0m the backend and browser tests talk to the Asterisk at {url}; each test that \
             needs the simulator's controls is skipped and says why; every object a test makes there has an \
             id unique to the run and is deleted again"
        );
    }
    eprintln!(
        "\x1b[1mxtask:\x1b[0m cargo test --workspace --locked {}",
        extra.join(" ")
    );
    let mut child = Command::new("cargo")
        .args(["test", "--workspace", "--locked"])
        .args(extra)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot start cargo test")?;
    let (mut passed, mut failed) = (0u64, 0u64);
    let mut out = std::io::stdout().lock();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line?;
        writeln!(out, "{line}")?;
        if let Some(rest) = line.strip_prefix("test result: ") {
            let count = |word: &str| -> u64 {
                rest.split(';')
                    .find_map(|p| {
                        p.trim()
                            .strip_suffix(word)?
                            .trim()
                            .rsplit(' ')
                            .next()?
                            .parse()
                            .ok()
                    })
                    .unwrap_or(0)
            };
            passed += count("passed");
            failed += count("failed");
        }
    }
    let status = child.wait()?;
    writeln!(out, "\nall tests: {passed} passed, {failed} failed")?;
    if !status.success() || failed > 0 {
        bail!("cargo test failed ({status})");
    }
    if passed == 0 {
        bail!("no test ran");
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().unwrap_or_default();
    // `cargo xtask run -- --flag` passes a `--` of its own: drop it so the flags reach Conjure.
    let rest: Vec<String> = args.skip_while(|a| a == "--").collect();
    match cmd.as_str() {
        "setup" => setup(),
        "catalog" => catalog_gen::write(&root()),
        "run" => {
            setup()?;
            build_spa()?;
            run(Command::new("cargo")
                .args(["run", "--locked", "--release", "-p", "conjure", "--"])
                .args(&rest))
        }
        "test" => {
            setup()?;
            lint()?;
            build_spa()?;
            test(&rest)
        }
        // `bench config`: reading and checking a pjsip.conf of 10,000 phones.
        "bench" if rest.first().map(String::as_str) == Some("config") => {
            run(Command::new("cargo").args(["build", "--release", "--locked", "-p", "conjure"]))?;
            bench_config::run(&root())
        }
        // `bench fleet`: only the fleet's part (it calibrates its simulators first).
        "bench" if rest.first().map(String::as_str) == Some("fleet") => {
            setup()?;
            bench::run_fleet(&root())
        }
        "bench" => {
            setup()?;
            build_spa()?;
            bench::run_all(&root())
        }
        _ => {
            eprintln!(
                "usage: cargo xtask setup | run [conjure flags] | test [cargo test flags] | bench | catalog"
            );
            std::process::exit(2)
        }
    }
}
