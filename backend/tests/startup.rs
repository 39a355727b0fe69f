//! Flags that would put something dangerous or wrong into Conjure's answers are refused at start, by the
//! real binary, with a message that names the flag.

mod common;

use std::process::Command;

fn start_with(args: &[&str]) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("conjure-startup-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_conjure"))
        .args(["--listen", "127.0.0.1:0", "--ari-url", "http://127.0.0.1:9"])
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
