//! Every save Conjure acknowledged is in its inventory and its audit log after the process is killed
//! with SIGKILL.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn acknowledged_saves_survive_kill_9() {
    let (_sim, sim_base) = common::sim().await;
    let dir = std::env::temp_dir().join(format!("conjure-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_conjure"))
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--ari-url",
                &sim_base,
            ])
            .arg("--data-dir")
            .arg(&dir)
            .env("CONJURE_ARI_PASSWORD", "asterisk")
            .env("CONJURE_ADMIN_PASSWORD", common::ADMIN)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Saves in flight from 8 tasks at once, so group commits are exercised.
    let mut tasks = Vec::new();
    for t in 0..8 {
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..25 {
                let id = format!("kill-{t}-{i}");
                let r = http
                    .put(format!("{base}/api/objects/domain_alias/{id}"))
                    .header("content-type", "application/json")
                    .basic_auth("admin", Some(common::ADMIN))
                    .body(r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                acked.push(id);
            }
            acked
        }));
    }
    let mut acked = Vec::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();
    let store = conjure::store::Store::open(&dir).unwrap();
    for id in &acked {
        assert!(
            store
                .contains(model::ObjectType::DomainAlias, id)
                .await
                .unwrap(),
            "{id} was acknowledged but lost"
        );
    }
    assert_eq!(acked.len(), 200);
    let audit = store
        .audit(model::api::AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        audit.len(),
        200,
        "every acknowledged change is in the audit log"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A failed assertion must not leave the server running (it would hold the test's output open).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
