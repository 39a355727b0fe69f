//! The walk-through's three scripts (get, push, delete) as a plain HTTP client sends them, against Conjure's
//! ARI-shaped door over real HTTP: only the host and the credentials differ from talking to Asterisk.

use e2e::{ADMIN, stack};
use model::api::Mode;

#[tokio::test]
async fn get_push_delete_through_the_door() {
    let stack = stack(Mode::Asterisk).await;
    let alice = stack.up.id("alice");
    let url = format!(
        "{}/ari/asterisk/config/dynamic/res_pjsip/auth/{alice}",
        stack.conjure
    );
    let http = reqwest::Client::new();

    let r = http
        .get(&url)
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["message"],
        format!("Object with id '{alice}' not found")
    );

    let body = serde_json::json!({"fields": [{"attribute": "username", "value": "alice"}, {"attribute": "password", "value": "supersecret"}]});
    let r = http
        .put(&url)
        .basic_auth("admin", Some(ADMIN))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let fields: serde_json::Value = r.json().await.unwrap();
    assert!(
        fields
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["attribute"] == "username" && f["value"] == "alice")
    );
    assert!(!fields.to_string().contains("supersecret"));

    let r = http
        .get(&url)
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = http
        .delete(&url)
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = http
        .get(&url)
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    if let Some(sim) = stack.up.sim() {
        assert_eq!(sim.restarts(), 0);
    }
}
