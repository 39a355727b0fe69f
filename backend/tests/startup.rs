//! Flags that would put something dangerous or wrong into Conjure's answers are refused at start, by the
//! real binary, with a message that names the flag.

mod common;

use std::process::Command;

fn start_with(args: &[&str]) -> (bool, String) {
    start_against("http://127.0.0.1:9", args)
}

fn start_against(ari_url: &str, args: &[&str]) -> (bool, String) {
    // One directory per start: the tests run at the same time and each removes its own.
    static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("conjure-startup-{}-{n}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_conjure"))
        .args(["--listen", "127.0.0.1:0", "--ari-url", ari_url])
        .arg("--data-dir")
        .arg(&dir)
        .args(args)
        .env("CONJURE_ARI_PASSWORD", "asterisk")
        .env("CONJURE_ADMIN_PASSWORD", common::ADMIN)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_frame_ancestor_that_is_not_an_origin_stops_the_start() {
    for bad in [
        "https://portal.example.com; script-src *",
        "https://portal.example.com https://evil.example",
        "portal.example.com",
    ] {
        let (ok, err) = start_with(&["--frame-ancestors", bad]);
        assert!(!ok, "{bad} was accepted");
        assert!(
            err.contains("--frame-ancestors") && err.contains("https://portal.example.com"),
            "{err}"
        );
    }
}

#[test]
fn a_sip_server_that_is_not_a_host_stops_the_start() {
    let (ok, err) = start_with(&["--sip-server", "pbx example com"]);
    assert!(!ok);
    assert!(err.contains("--sip-server"), "{err}");
}

#[test]
fn an_ari_url_or_ca_file_that_cannot_work_stops_the_start() {
    let (ok, err) = start_against(
        "https://127.0.0.1:8089",
        &["--ari-ca-file", "/nonexistent/ca.pem"],
    );
    assert!(!ok);
    assert!(
        err.contains("cannot read --ari-ca-file /nonexistent/ca.pem"),
        "{err}"
    );
    let (ok, err) = start_with(&["--ari-ca-file", "/etc/hostname"]);
    assert!(!ok);
    assert!(
        err.contains("--ari-ca-file is for an https:// --ari-url"),
        "{err}"
    );
    let (ok, err) = start_against("ftp://pbx:8088", &[]);
    assert!(!ok);
    assert!(err.contains("must start with http:// or https://"), "{err}");
}
