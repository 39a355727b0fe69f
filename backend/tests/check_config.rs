//! `conjure check-config` through the real binary, on an /etc/asterisk written by hand: what push
//! configuration can hold, what the catalog refuses (at its file and line), what stays in the files.

use std::process::Command;

const PJSIP: &str = "\
[transport-udp]
type = transport
protocol = udp
bind = 0.0.0.0

; Desk phones share one template.
[desk](!)
type = endpoint
context = from-internal
disallow = all
allow = ulaw,alaw

[1001](desk)
auth = 1001
aors = 1001

[1001]
type = auth
auth_type = userpass
username = 1001
password = desk-pw-1001

[1001]
type = aor
max_contacts = 1

[1002]
type = aor
max_contacts = lots

#include pjsip.d/*.conf
";

const WIZARD: &str = "\
[itsp]
type = wizard
sends_auth = yes
sends_registrations = yes
remote_hosts = sip.example.net
outbound_auth/username = acct
outbound_auth/password = acct-pw
endpoint/context = from-itsp
endpoint/allow = ulaw
";

fn conjure(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_conjure"))
        .arg("check-config")
        .args(args)
        .env_remove("CONJURE_ARI_URL")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_folder_of_hand_written_files_is_checked_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pjsip.d")).unwrap();
    std::fs::write(dir.path().join("pjsip.conf"), PJSIP).unwrap();
    std::fs::write(dir.path().join("pjsip_wizard.conf"), WIZARD).unwrap();
    std::fs::write(
        dir.path().join("pjsip.d/lobby.conf"),
        "[lobby]\r\ntype = aor\r\nmax_contacts = 2\r\nremove_existing\r\n",
    )
    .unwrap();
    let (code, out) = conjure(&[dir.path().as_os_str()]);
    assert_eq!(code, 1, "something is refused: {out}");
    for line in [
        "ready     endpoint 1001 (pjsip.conf:13:1)",
        "ready     auth 1001 (pjsip.conf:17:1)",
        "ready     aor 1001 (pjsip.conf:23:1)",
        "REFUSED   aor 1002 (pjsip.conf:27:1)",
        "  pjsip.conf:29:1: aor '1002', max_contacts:",
        "ready     aor lobby (pjsip.d/lobby.conf:1:1)",
        "skipped   pjsip.d/lobby.conf:4:1: no '='",
        "stays     pjsip.conf:1:1: [transport-udp]: transport objects",
        "ready     auth itsp-oauth (pjsip_wizard.conf:1:1)",
        "ready     registration itsp-reg-0 (pjsip_wizard.conf:1:1)",
        "ready     identify itsp-identify (pjsip_wizard.conf:1:1)",
    ] {
        assert!(out.contains(line), "missing '{line}' in:\n{out}");
    }
    assert!(
        !out.contains("desk-pw-1001") && !out.contains("acct-pw"),
        "a secret was printed:\n{out}"
    );
    assert!(
        out.starts_with("9 objects push configuration can hold, 1 refused"),
        "{out}"
    );
}

#[test]
fn what_cannot_be_read_says_where_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pjsip.conf");
    std::fs::write(&file, "[a]\ntype = aor\n#exec /usr/local/bin/phones\n").unwrap();
    let (code, out) = conjure(&[file.as_os_str()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("pjsip.conf:3:1: #exec runs a program"),
        "{out}"
    );
}
