//! The data directory holds password and token hashes and the audit log: the real binary makes it
//! `0700` and its files `0600`, whatever the umask, and takes an existing directory away from others.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_binary_keeps_its_data_private() {
    let up = common::upstream().await;
    let top = std::env::temp_dir().join(format!("conjure-modes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    let fresh = top.join("fresh/data");
    let loose = top.join("loose");
    std::fs::create_dir_all(&loose).unwrap();
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(loose.join("conjure.sqlite3"), b"").unwrap();
    std::fs::set_permissions(
        loose.join("conjure.sqlite3"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    for dir in [&fresh, &loose] {
        let bin = common::binary(&up, dir).await;
        // A write, so SQLite has made its -wal and -shm files.
        let r = reqwest::Client::new()
            .put(format!("{}/api/objects/aor/{}", bin.url, up.id("modes")))
            .basic_auth("admin", Some(common::ADMIN))
            .header("content-type", "application/json")
            .body(r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
        for file in [
            "conjure.sqlite3",
            "conjure.sqlite3-wal",
            "conjure.sqlite3-shm",
            "conjure.journal",
        ] {
            assert_eq!(mode(&dir.join(file)), 0o600, "{file} in {}", dir.display());
        }
    }
    std::fs::remove_dir_all(&top).unwrap();
}
