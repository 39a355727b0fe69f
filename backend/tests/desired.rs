//! Conjure keeps Asterisk equal to what it pushed: the real binary, its watcher and a simulator that is
//! restarted under it. Objects Asterisk loses (memory-backed, and auths on a server that keeps them in
//! memory) come back with their secrets; the secrets appear nowhere but on Asterisk and sealed in the
//! database; a wrong or loose key file stops the start.

mod common;

use asterisk_sim::{Backend, Sim};
use common::{ADMIN, Upstream, on_asterisk, skip_on_real};

fn put(url: &str, path: &str, body: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .put(format!("{url}{path}"))
        .basic_auth("admin", Some(ADMIN))
        .header("content-type", "application/json")
        .body(body.to_string())
}

fn idle(v: &serde_json::Value) -> bool {
    let w = v["watch"].as_str().unwrap_or_default();
    w.contains("restored") && !w.contains("reconciling")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_asterisk_gets_back_what_conjure_manages() {
    if skip_on_real("restarts the server") {
        return;
    }
    // Auths in memory too: after the restart only Conjure knows their passwords.
    let up = Upstream::simulated(Sim::default().with_backends([("auth", Backend::Memory)])).await;
    let sim = up.sim().unwrap().clone();
    let dir = std::env::temp_dir().join(format!("conjure-desired-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("conjure.log");
    let data = dir.join("data");
    let bin = common::binary_with(&up, &data, &["--watch-interval-ms", "100"], Some(&log)).await;
    // The first check, at Conjure's start, finds nothing to do.
    common::status_until(&bin.url, idle).await;

    let (alias, ident, lone, ext) = (
        up.id("alias"),
        up.id("office"),
        up.id("lone"),
        up.id("2041"),
    );
    let steps = [
        (format!("/api/objects/domain_alias/{alias}"), r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#.to_string()),
        (format!("/api/objects/auth/{lone}"), r#"{"fields":[{"attribute":"username","value":"lone"},{"attribute":"password","value":"lone-secret-4711"}]}"#.to_string()),
    ];
    for (path, body) in &steps {
        let r = put(&bin.url, path, body).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    }
    let user = reqwest::Client::new()
        .post(format!("{}/api/phone-users", bin.url))
        .basic_auth("admin", Some(ADMIN))
        .header("content-type", "application/json")
        .body(format!(r#"{{"extension":"{ext}","name":"Anna"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(user.status(), 201);
    let phone_password = serde_json::from_str::<serde_json::Value>(&user.text().await.unwrap())
        .unwrap()["password"]
        .as_str()
        .unwrap()
        .to_string();
    let identify = format!(
        r#"{{"fields":[{{"attribute":"endpoint","value":"{ext}"}},{{"attribute":"match","value":"192.0.2.10"}}]}}"#
    );
    let r = put(
        &bin.url,
        &format!("/api/objects/identify/{ident}"),
        &identify,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);

    let before = common::status_until(&bin.url, idle).await;
    sim.restart();
    assert_eq!(
        on_asterisk(&up, &format!("identify/{ident}")).await.0,
        404,
        "memory objects are gone"
    );
    assert_eq!(on_asterisk(&up, &format!("auth/{ext}")).await.0, 404);
    let after = common::status_until(&bin.url, |v| {
        idle(v) && v["watch"].as_str().unwrap().contains("restarted") && v["seq"] != before["seq"]
    })
    .await;
    let line = after["watch"].as_str().unwrap();
    assert!(line.contains("restored"), "{line}");

    for path in [
        format!("domain_alias/{alias}"),
        format!("identify/{ident}"),
        format!("auth/{lone}"),
        format!("auth/{ext}"),
        format!("aor/{ext}"),
        format!("endpoint/{ext}"),
    ] {
        assert_eq!(on_asterisk(&up, &path).await.0, 200, "{path} is back");
    }
    let (_, auth) = on_asterisk(&up, &format!("auth/{lone}")).await;
    assert!(
        auth.contains("lone-secret-4711"),
        "the password came back: {auth}"
    );
    let (_, auth) = on_asterisk(&up, &format!("auth/{ext}")).await;
    assert!(
        auth.contains(&phone_password),
        "the phone's password came back"
    );
    let (_, ep) = on_asterisk(&up, &format!("endpoint/{ext}")).await;
    assert!(ep.contains("Anna"), "{ep}");

    // One audit entry for the reconcile, one per object pushed again; never a secret.
    let audit = reqwest::Client::new()
        .get(format!("{}/api/audit?limit=200", bin.url))
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        audit.contains("restarted at") && audit.contains("\"restore\""),
        "{audit}"
    );
    let mut answers = audit;
    for path in [
        "/api/status",
        "/api/inventory/auth",
        &format!("/api/objects/auth/{lone}"),
        "/api/audit.csv",
    ] {
        answers.push_str(
            &reqwest::Client::new()
                .get(format!("{}{path}", bin.url))
                .basic_auth("admin", Some(ADMIN))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
    }
    drop(bin);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&data).unwrap() {
        files.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("reconcile finished"),
        "the test must see the log: {logged}"
    );
    for secret in ["lone-secret-4711", phone_password.as_str()] {
        assert!(!answers.contains(secret), "'{secret}' in an answer");
        assert!(!logged.contains(secret), "'{secret}' in the log");
        assert!(
            !files.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "'{secret}' in the data directory"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Conjure must never start sealing under a key that does not open what is sealed already, nor use a
/// key that others can read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_loose_key_file_stops_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let up = Upstream::simulated(Sim::default()).await;
    let dir = std::env::temp_dir().join(format!("conjure-key-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let key = dir.join("secret.key");
    {
        let _first = common::binary(&up, &dir).await;
    }
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600,
        "made private at the first start"
    );
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_conjure"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--ari-url",
                &up.base,
                "--data-dir",
            ])
            .arg(&dir)
            .env("CONJURE_ARI_PASSWORD", &up.password)
            .output()
            .unwrap()
    };
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = start();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("chmod 600"), "{err}");

    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = start();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && err.contains("is not the key this data directory's secrets were sealed with"),
        "{err}"
    );
    std::fs::write(&key, "short\n").unwrap();
    let out = start();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("64 hexadecimal digits"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
