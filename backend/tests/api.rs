//! The panel's `/api` against a real simulator over HTTP.

mod common;

use common::{ADMIN, call, harness};
use common::{admin, anon};

const ALICE: &str = r#"{"fields":[{"attribute":"username","value":"alice"},{"attribute":"password","value":"supersecret"}]}"#;

#[tokio::test]
async fn walk_through_without_ever_showing_the_password() {
    let h = harness().await;
    let alice = h.up.id("alice");
    let r = admin(&h.app)
        .get(&format!("/api/objects/auth/{alice}"))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json()["message"],
        format!("Object with id '{alice}' not found")
    );
    assert_eq!(r.json()["asterisk_status"], 404);

    let r = admin(&h.app)
        .put(&format!("/api/objects/auth/{alice}"), ALICE)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.text.contains("supersecret"));
    let v = r.json();
    assert_eq!(v["type"], "auth");
    assert!(
        v["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["attribute"] == "username" && f["value"] == "alice")
    );
    assert!(
        v["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["attribute"] == "password" && s["set"] == true)
    );

    let r = admin(&h.app)
        .get(&format!("/api/objects/auth/{alice}"))
        .await;
    assert_eq!(r.status, 200);
    assert!(!r.text.contains("supersecret"));

    let r = admin(&h.app)
        .delete(&format!("/api/objects/auth/{alice}"))
        .await;
    assert_eq!(r.status, 204);
    let r = admin(&h.app)
        .get(&format!("/api/objects/auth/{alice}"))
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn bad_input_is_refused_before_asterisk() {
    let h = harness().await;
    // If one got through, it would make this id (swept on a shared Asterisk), not a bare `a`.
    let a = h.up.id("a");
    let cases: &[(&str, &str, Option<&str>, u16, &str)] = &[
        (
            "PUT",
            "/api/objects/auth/a",
            Some(r#"{"fields":[{"attribute":"password"}]}"#),
            400,
            "fields[0].value is missing",
        ),
        (
            "PUT",
            "/api/objects/auth/a",
            Some(
                r#"{"fields":[{"attribute":"username","value":"u"},{"attribute":"password","value":5}]}"#,
            ),
            400,
            "fields[1].value must be a string",
        ),
        (
            "PUT",
            "/api/objects/auth/a",
            Some("not json"),
            400,
            "not valid JSON",
        ),
        (
            "PUT",
            "/api/objects/auth/a%01b",
            Some(ALICE),
            400,
            "control character",
        ),
        (
            "GET",
            "/api/objects/AUTH/a",
            Some(ADMIN),
            404,
            "objectType 'AUTH' not found",
        ),
        (
            "PUT",
            "/api/objects/system/system",
            Some(r#"{"fields":[{"attribute":"timer_t1","value":"600"}]}"#),
            403,
            "pjsip.conf",
        ),
        (
            "PUT",
            "/api/objects/acl/x",
            Some(r#"{"fields":[{"attribute":"deny","value":"0.0.0.0/0"}]}"#),
            403,
            "cannot read or update",
        ),
    ];
    for (method, uri, body, status, needle) in cases {
        let uri = &uri.replace("/auth/a", &format!("/auth/{a}"));
        let r = call(&h.app, method, uri, Some(ADMIN), *body).await;
        assert_eq!(r.status.as_u16(), *status, "{method} {uri}: {}", r.text);
        assert!(
            r.json()["message"].as_str().unwrap().contains(needle),
            "{method} {uri}: {}",
            r.text
        );
    }
    let huge = format!(
        r#"{{"fields":[{{"attribute":"password","value":"{}"}}]}}"#,
        "x".repeat(45_000)
    );
    let r = admin(&h.app)
        .put(&format!("/api/objects/auth/{a}"), &huge)
        .await;
    assert_eq!(r.status, 413);
    assert!(r.json()["message"].as_str().unwrap().contains("40960"));
    if let Some(sim) = h.up.sim() {
        assert_eq!(sim.restarts(), 0);
    }
    // Nothing was created by any of them.
    let r = admin(&h.app).get(&format!("/api/objects/auth/{a}")).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn asterisk_errors_keep_their_status_and_get_a_hint() {
    let h = harness().await;
    let id1 = h.up.id("id1");
    let ep = h.up.id("ep");
    // A host name Conjure cannot resolve for Asterisk: only a warning here, Asterisk refuses it.
    let body = r#"{"fields":[{"attribute":"endpoint","value":"x"},{"attribute":"match","value":"nonexistent.invalid"}]}"#;
    let r = admin(&h.app)
        .put(&format!("/api/objects/identify/{id1}"), body)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        format!("Creation of object '{id1}' failed field value validation")
    );
    assert_eq!(r.json()["asterisk_status"], 400);
    assert!(r.json()["hint"].as_str().unwrap().contains("log"));
    // set_var is accepted with a warning; afterwards Asterisk cannot copy the endpoint to update it.
    let body = r#"{"fields":[{"attribute":"allow","value":"ulaw"},{"attribute":"set_var","value":"X=1"}]}"#;
    let r = admin(&h.app)
        .put(&format!("/api/objects/endpoint/{ep}"), body)
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.json()["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be updated")
    );
    let r = admin(&h.app)
        .put(
            &format!("/api/objects/endpoint/{ep}"),
            r#"{"fields":[{"attribute":"context","value":"b"}]}"#,
        )
        .await;
    assert_eq!(r.status, 500);
    assert!(
        r.json()["hint"]
            .as_str()
            .unwrap()
            .contains("delete the object and create it again")
    );
}

#[tokio::test]
async fn the_catalog_refuses_bad_values_before_asterisk() {
    let h = harness().await;
    let e2 = h.up.id("e2");
    let cases: &[(&str, &str, &str)] = &[
        (
            "auth/nouser",
            r#"{"fields":[{"attribute":"password","value":"x"}]}"#,
            "username: a new auth needs a username",
        ),
        (
            "endpoint/e1",
            r#"{"fields":[{"attribute":"context","value":"a"}]}"#,
            "without codecs",
        ),
        (
            "endpoint/e1",
            r#"{"fields":[{"attribute":"allow","value":"ulaw"},{"attribute":"rtp_timeout","value":"abc"}]}"#,
            "fields[1] (rtp_timeout): must be a whole number",
        ),
        (
            "aor/a1",
            r#"{"fields":[{"attribute":"qualify_frequency","value":"90000"}]}"#,
            "fields[0] (qualify_frequency): must be between 0 and 86400",
        ),
        (
            "endpoint/e1",
            r#"{"fields":[{"attribute":"dtmf_mode","value":"smoke"}]}"#,
            "must be one of auto, auto_info, inband, info, rfc4733",
        ),
    ];
    for (path, body, needle) in cases {
        for door in ["/api/objects", "/ari/asterisk/config/dynamic/res_pjsip"] {
            let r = call(
                &h.app,
                "PUT",
                &format!("{door}/{path}"),
                Some(common::ADMIN),
                Some(body),
            )
            .await;
            assert_eq!(r.status, 400, "{door}/{path}: {}", r.text);
            assert!(
                r.json()["message"].as_str().unwrap().contains(needle),
                "{door}/{path}: {}",
                r.text
            );
            assert!(
                r.json().get("asterisk_status").is_none(),
                "answered by Conjure, not Asterisk"
            );
        }
    }
    // An existing endpoint is merged into: no codec rule applies to a PUT that leaves allow alone.
    let r = admin(&h.app)
        .put(
            &format!("/api/objects/endpoint/{e2}"),
            r#"{"fields":[{"attribute":"allow","value":"ulaw"}]}"#,
        )
        .await;
    assert_eq!(r.status, 200);
    let r = admin(&h.app)
        .put(
            &format!("/api/objects/endpoint/{e2}"),
            r#"{"fields":[{"attribute":"context","value":"b"}]}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn status_reports_the_asterisk_version() {
    let h = harness().await;
    let r = admin(&h.app).get("/api/status").await;
    assert_eq!(r.json()["reachable"], true);
    assert_eq!(r.json()["detail"], "Asterisk 22.10.1");
    let r = admin(&h.app).get("/api/nope").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn replace_removes_a_match_and_restores_on_failure() {
    let h = harness().await;
    let idx = h.up.id("idx");
    let a = h.up.id("a");
    let body = r#"{"fields":[{"attribute":"endpoint","value":"ep1"},{"attribute":"match","value":"127.0.0.5"},{"attribute":"match","value":"127.0.0.6"}]}"#;
    assert_eq!(
        admin(&h.app)
            .put(&format!("/api/objects/identify/{idx}"), body)
            .await
            .status,
        200
    );
    let keep_one = r#"{"fields":[{"attribute":"endpoint","value":"ep1"},{"attribute":"match","value":"127.0.0.6/255.255.255.255"}]}"#;
    let r = admin(&h.app)
        .put(
            &format!("/api/objects/identify/{idx}?replace=true"),
            keep_one,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let matches: Vec<_> = r.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["attribute"] == "match")
        .map(|f| f["value"].clone())
        .collect();
    assert_eq!(
        matches,
        vec![serde_json::json!("127.0.0.6/255.255.255.255")]
    );
    // Asterisk refuses the new object (a name it cannot resolve): the old one comes back.
    let bad = r#"{"fields":[{"attribute":"endpoint","value":"ep1"},{"attribute":"match","value":"nonexistent.invalid"}]}"#;
    let r = admin(&h.app)
        .put(&format!("/api/objects/identify/{idx}?replace=true"), bad)
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.json()["hint"]
            .as_str()
            .unwrap()
            .contains("put back unchanged")
    );
    let r = admin(&h.app)
        .get(&format!("/api/objects/identify/{idx}"))
        .await;
    assert!(r.text.contains("127.0.0.6/255.255.255.255"));
    let r = admin(&h.app)
        .put(&format!("/api/objects/auth/{a}?replace=true"), keep_one)
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn security_headers_on_every_answer() {
    let h = harness().await;
    let r = admin(&h.app).get("/api/objects/auth/alice").await;
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    assert_eq!(r.headers["referrer-policy"], "no-referrer");
    // The policy goes with the panel's files (here the "not built" page), not with JSON answers.
    let page = anon(&h.app).get("/objects/auth/alice").await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn a_named_portal_may_frame_the_panel() {
    let up = common::upstream().await;
    let state = conjure::AppState::new(
        conjure::ari::AriClient::new(common::target_of(&up)).unwrap(),
        model::api::Mode::Asterisk,
        None,
        "/nonexistent".into(),
        conjure::store::Store::in_memory().unwrap(),
    )
    .with_frame_ancestors(vec!["https://portal.example.com".into(), "'self'".into()]);
    let r = anon(&conjure::app(state)).get("/").await;
    let csp = r.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.ends_with("frame-ancestors https://portal.example.com 'self'"),
        "{csp}"
    );
}
