//! Every save Conjure acknowledged is in its inventory and its audit log after the process is killed
//! with SIGKILL.

mod common;

#[tokio::test]
async fn acknowledged_saves_survive_kill_9() {
    let up = common::upstream().await;
    let kill = up.id("kill");
    let dir = std::env::temp_dir().join(format!("conjure-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = common::binary(&up, &dir).await;
    let base = child.url.clone();
    let http = reqwest::Client::new();
    // Saves in flight from 8 tasks at once, so group commits are exercised.
    let mut tasks = Vec::new();
    for t in 0..8 {
        let (http, base, kill) = (http.clone(), base.clone(), kill.clone());
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..25 {
                let id = format!("{kill}-{t}-{i}");
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
    for id in &acked {
        up.track(id);
    }
    child.child.kill().unwrap(); // SIGKILL
    child.child.wait().unwrap();
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
