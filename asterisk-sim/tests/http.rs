//! The simulator over real HTTP: keep-alive, basic auth, and a crash that closes the connection unanswered.

use std::sync::Arc;

use asterisk_sim::{Sim, serve};

async fn start() -> (String, Arc<Sim>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!(
        "http://{}/ari/asterisk/config/dynamic/res_pjsip",
        listener.local_addr().unwrap()
    );
    let sim = Arc::new(Sim::default());
    tokio::spawn(serve(listener, sim.clone(), std::future::pending()));
    (base, sim)
}

#[tokio::test]
async fn walk_through_and_crash_over_http() {
    let (base, sim) = start().await;
    let c = reqwest::Client::new();
    let url = format!("{base}/auth/alice");
    let r = c
        .get(&url)
        .basic_auth("asterisk", Some("asterisk"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["server"], "Asterisk/22.10.1");
    let body = r#"{"fields":[{"attribute":"username","value":"alice"},{"attribute":"password","value":"supersecret"}]}"#;
    let r = c
        .put(&url)
        .basic_auth("asterisk", Some("asterisk"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let fields: serde_json::Value = r.json().await.unwrap();
    assert_eq!(fields.as_array().unwrap().len(), 12);

    let r = c
        .put(&url)
        .basic_auth("viewer", Some("viewer"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // A domain_alias is memory-backed: the crash takes it with it.
    let alias = format!("{base}/domain_alias/mem");
    let r = c
        .put(&alias)
        .basic_auth("asterisk", Some("asterisk"))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let crash = c
        .put(&url)
        .basic_auth("asterisk", Some("asterisk"))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"password"}]}"#)
        .send()
        .await;
    assert!(crash.is_err(), "a crash body must get no answer");
    assert_eq!(sim.restarts(), 1);
    let r = c
        .get(&alias)
        .basic_auth("asterisk", Some("asterisk"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
