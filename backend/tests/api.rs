//! The panel's `/api` against a real simulator over HTTP.

mod common;

use common::{call, harness};

const ALICE: &str = r#"{"fields":[{"attribute":"username","value":"alice"},{"attribute":"password","value":"supersecret"}]}"#;

#[tokio::test]
async fn walk_through_without_ever_showing_the_password() {
    let h = harness().await;
    let r = call(&h.app, "GET", "/api/objects/auth/alice", None, None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "Object with id 'alice' not found");
    assert_eq!(r.json()["asterisk_status"], 404);

    let r = call(&h.app, "PUT", "/api/objects/auth/alice", None, Some(ALICE)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.text.contains("supersecret"));
    let v = r.json();
    assert_eq!(v["type"], "auth");
    assert!(v["fields"].as_array().unwrap().iter().any(|f| f["attribute"] == "username" && f["value"] == "alice"));
    assert!(v["secrets"].as_array().unwrap().iter().any(|s| s["attribute"] == "password" && s["set"] == true));

    let r = call(&h.app, "GET", "/api/objects/auth/alice", None, None).await;
    assert_eq!(r.status, 200);
    assert!(!r.text.contains("supersecret"));

    let r = call(&h.app, "DELETE", "/api/objects/auth/alice", None, None).await;
    assert_eq!(r.status, 204);
    let r = call(&h.app, "GET", "/api/objects/auth/alice", None, None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn bad_input_is_refused_before_asterisk() {
    let h = harness().await;
    let cases: &[(&str, &str, Option<&str>, u16, &str)] = &[
        ("PUT", "/api/objects/auth/a", Some(r#"{"fields":[{"attribute":"password"}]}"#), 400, "fields[0].value is missing"),
        ("PUT", "/api/objects/auth/a", Some(r#"{"fields":[{"attribute":"username","value":"u"},{"attribute":"password","value":5}]}"#), 400, "fields[1].value must be a string"),
        ("PUT", "/api/objects/auth/a", Some("not json"), 400, "not valid JSON"),
        ("PUT", "/api/objects/auth/a%01b", Some(ALICE), 400, "control character"),
        ("GET", "/api/objects/AUTH/a", None, 404, "objectType 'AUTH' not found"),
        ("PUT", "/api/objects/system/system", Some(r#"{"fields":[{"attribute":"timer_t1","value":"600"}]}"#), 403, "pjsip.conf"),
        ("PUT", "/api/objects/acl/x", Some(r#"{"fields":[{"attribute":"deny","value":"0.0.0.0/0"}]}"#), 403, "cannot read or update"),
    ];
    for (method, uri, body, status, needle) in cases {
        let r = call(&h.app, method, uri, None, *body).await;
        assert_eq!(r.status.as_u16(), *status, "{method} {uri}: {}", r.text);
        assert!(r.json()["message"].as_str().unwrap().contains(needle), "{method} {uri}: {}", r.text);
    }
    let huge = format!(r#"{{"fields":[{{"attribute":"password","value":"{}"}}]}}"#, "x".repeat(45_000));
    let r = call(&h.app, "PUT", "/api/objects/auth/a", None, Some(&huge)).await;
    assert_eq!(r.status, 413);
    assert!(r.json()["message"].as_str().unwrap().contains("40960"));
    assert_eq!(h.sim.restarts(), 0);
    // Nothing was created by any of them.
    let r = call(&h.app, "GET", "/api/objects/auth/a", None, None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn asterisk_errors_keep_their_status_and_get_a_hint() {
    let h = harness().await;
    let r = call(&h.app, "PUT", "/api/objects/auth/nouser", None, Some(r#"{"fields":[{"attribute":"password","value":"x"}]}"#)).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["message"], "Creation of object 'nouser' failed field value validation");
    assert!(r.json()["hint"].as_str().unwrap().contains("log"));
    let r = call(&h.app, "PUT", "/api/objects/endpoint/ep", None, Some(r#"{"fields":[{"attribute":"context","value":"a"}]}"#)).await;
    assert_eq!(r.status, 200);
    let r = call(&h.app, "PUT", "/api/objects/endpoint/ep", None, Some(r#"{"fields":[{"attribute":"context","value":"b"}]}"#)).await;
    assert_eq!(r.status, 500);
    assert!(r.json()["hint"].as_str().unwrap().contains("no codecs"));
}

#[tokio::test]
async fn status_reports_the_asterisk_version() {
    let h = harness().await;
    let r = call(&h.app, "GET", "/api/status", None, None).await;
    assert_eq!(r.json()["reachable"], true);
    assert_eq!(r.json()["detail"], "Asterisk 22.10.1");
    let r = call(&h.app, "GET", "/api/nope", None, None).await;
    assert_eq!(r.status, 404);
}
