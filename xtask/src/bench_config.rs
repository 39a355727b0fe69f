//! `cargo xtask bench config`: a pjsip.conf of 10,000 phones as an administrator writes one (three
//! templates, and an endpoint, an auth and an aor section per phone: 30,003 sections) read and checked
//! by the release binary's `conjure check-config`, timed, with its peak memory (VmHWM, read every 5 ms
//! while it runs). Issue 25's budget: 1 s and 100 MB.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::processes::kib;

const PHONES: u32 = 10_000;

/// The file: templates first, then each phone's three sections.
fn pjsip_conf() -> String {
    let mut s = String::from(
        "; 10,000 desk phones, written as a template and three sections each.\n\
         [phone-tpl](!)\ntype = endpoint\ncontext = from-internal\ndisallow = all\nallow = ulaw,alaw\n\
         direct_media = no\nrtp_symmetric = yes\nforce_rport = yes\nrewrite_contact = yes\n\n\
         [auth-tpl](!)\ntype = auth\nauth_type = userpass\n\n\
         [aor-tpl](!)\ntype = aor\nmax_contacts = 1\nremove_existing = yes\nqualify_frequency = 60\n\n",
    );
    for i in 0..PHONES {
        let ext = 20_000 + i;
        let _ = write!(
            s,
            "[{ext}](phone-tpl)\nauth = {ext}\naors = {ext}\ncallerid = \"Phone {ext}\" <{ext}>\n\n\
             [{ext}](auth-tpl)\nusername = {ext}\npassword = pw-{ext}-x\n\n\
             [{ext}](aor-tpl)\n\n"
        );
    }
    s
}

/// Runs it and prints the figures; fails if the binary refused something or could not read the file.
pub fn run(root: &Path) -> anyhow::Result<()> {
    let dir = root.join("target/bench-config");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("pjsip.conf");
    let text = pjsip_conf();
    std::fs::write(&file, &text)?;
    let start = Instant::now();
    let mut child = Command::new(root.join("target/release/conjure"))
        .arg("check-config")
        .arg(&file)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        peak = peak.max(kib(pid, "VmHWM:"));
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    anyhow::ensure!(
        status.success(),
        "check-config refused the generated file ({status})"
    );
    println!(
        "BENCH config: {PHONES} phones ({} sections, {:.1} MB) read and checked by `conjure check-config` in {:.2} s, peak {:.1} MB (budget 1 s, 100 MB)",
        3 + 3 * PHONES,
        text.len() as f64 / 1e6,
        took.as_secs_f64(),
        peak as f64 / 1024.0
    );
    Ok(())
}
