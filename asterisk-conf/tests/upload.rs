//! Uploads made the way administrators make them: `zip -r` and `tar czf` of their /etc/asterisk, run
//! here with the system's own zip and tar.

use std::path::Path;
use std::process::Command;

use asterisk_conf::{Files, UploadError, read};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An `etc/asterisk` folder with a pjsip.conf that includes a folder of phones.
fn config_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let etc = dir.path().join("etc/asterisk");
    write(
        &etc,
        "pjsip.conf",
        "[global]\ntype=global\n#include pjsip.d/*.conf\n",
    );
    write(
        &etc,
        "pjsip.d/phones.conf",
        "[2001]\ntype=aor\nmax_contacts=1\n",
    );
    write(
        &etc,
        "extensions.conf",
        "[default]\nexten => 100,1,Answer()\n",
    );
    dir
}

fn run(cmd: &mut Command) {
    let status = cmd.status().expect("the system's zip and tar");
    assert!(status.success(), "{cmd:?}");
}

fn sections(files: &Files) -> Vec<String> {
    read(files, "pjsip.conf")
        .unwrap()
        .sections
        .into_iter()
        .map(|s| s.name)
        .collect()
}

#[test]
fn a_zip_of_the_configuration_folder_reads_with_its_includes() {
    let dir = config_dir();
    run(Command::new("zip")
        .args(["-q", "-r", "conf.zip", "etc"])
        .current_dir(dir.path()));
    let bytes = std::fs::read(dir.path().join("conf.zip")).unwrap();
    let files = Files::from_upload("conf.zip", &bytes).unwrap();
    let names: Vec<&str> = files.names().collect();
    assert_eq!(
        names,
        ["extensions.conf", "pjsip.conf", "pjsip.d/phones.conf"]
    );
    assert_eq!(sections(&files), ["global", "2001"]);
}

#[test]
fn a_tar_gz_reads_the_same() {
    let dir = config_dir();
    run(Command::new("tar")
        .args(["czf", "conf.tar.gz", "-C", "etc", "asterisk"])
        .current_dir(dir.path()));
    let bytes = std::fs::read(dir.path().join("conf.tar.gz")).unwrap();
    let files = Files::from_upload("conf.tar.gz", &bytes).unwrap();
    assert_eq!(sections(&files), ["global", "2001"]);
}

#[test]
fn an_archive_that_unpacks_to_more_than_the_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    // 100 MB of zeros: a zip of about 100 KB.
    let big = std::fs::File::create(dir.path().join("pjsip.conf")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();
    run(Command::new("zip")
        .args(["-q", "bomb.zip", "pjsip.conf"])
        .current_dir(dir.path()));
    let bytes = std::fs::read(dir.path().join("bomb.zip")).unwrap();
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    assert_eq!(
        Files::from_upload("bomb.zip", &bytes).unwrap_err(),
        UploadError::TooLarge
    );
}

#[test]
fn a_broken_archive_and_a_plain_file_are_told_apart() {
    let e = Files::from_upload("x.zip", b"PK\x03\x04 not really").unwrap_err();
    assert!(matches!(&e, UploadError::Broken { kind: "zip", .. }), "{e}");
    let files = Files::from_upload("pjsip.conf", b"[a]\ntype=aor\n").unwrap();
    assert_eq!(sections(&files), ["a"]);
}
