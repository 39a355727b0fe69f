//! Embedding in a portal: the whole app under a base path, and a portal's proxy that signs users in.

mod common;

use common::{ADMIN, As, PEER, app_with, send};
use common::{admin, anon};

const TRUNK_INDEX: &str = "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"/main-1.css\"/>\n\
<script type=\"module\">import init from '/frontend-1.js';\nawait init({ module_or_path: '/frontend-1_bg.wasm' });</script>\n\
<link rel=\"modulepreload\" href=\"/frontend-1.js\"></head><body></body></html>";

#[tokio::test]
async fn everything_lives_under_the_base_path() {
    let dist = std::env::temp_dir().join(format!("conjure-base-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), TRUNK_INDEX).unwrap();
    std::fs::write(dist.join("main-1.css"), "body{}").unwrap();
    let (app, _up) = app_with(dist.to_str().unwrap(), |s| {
        s.with_base_path("/pbx/conjure/")
    })
    .await;

    assert_eq!(admin(&app).get("/pbx/conjure/api/status").await.status, 200);
    assert_eq!(
        admin(&app)
            .get("/pbx/conjure/ari/asterisk/config/dynamic/res_pjsip/aor/x")
            .await
            .status,
        404
    );
    assert_eq!(
        admin(&app).get("/api/status").await.status,
        404,
        "nothing outside the prefix"
    );
    let root = anon(&app).get("/").await;
    assert_eq!(
        (
            root.status.as_u16(),
            root.headers["location"].to_str().unwrap()
        ),
        (303, "/pbx/conjure/")
    );

    let body = serde_json::json!({"user": "admin", "password": ADMIN}).to_string();
    let r = send(
        &app,
        "POST",
        "/pbx/conjure/api/login",
        As::Nobody,
        Some(&body),
        &[],
    )
    .await;
    assert!(
        r.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Path=/pbx/conjure;")
    );

    for page in ["/pbx/conjure/", "/pbx/conjure/objects/identify/203.0.113.5"] {
        let r = anon(&app).get(page).await;
        assert_eq!(r.status, 200, "{page}");
        assert!(
            r.text
                .contains(r#"<meta name="conjure-base" content="/pbx/conjure">"#),
            "{}",
            r.text
        );
        assert!(
            r.text.contains("from '/pbx/conjure/frontend-1.js'")
                && r.text.contains(r#"href="/pbx/conjure/main-1.css""#)
        );
        // The CSP allows the rewritten inline script, not the one trunk wrote.
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        let script = r
            .text
            .split("<script type=\"module\">")
            .nth(1)
            .unwrap()
            .split("</script>")
            .next()
            .unwrap();
        use base64::Engine;
        use sha2::Digest;
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(script.as_bytes()));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    }
    let css = anon(&app).get("/pbx/conjure/main-1.css").await;
    assert_eq!((css.status.as_u16(), css.text.as_str()), (200, "body{}"));
    std::fs::remove_dir_all(&dist).unwrap();
}

#[tokio::test]
async fn a_portal_proxy_may_vouch_for_its_users() {
    let (app, up) = app_with("/nonexistent", |s| {
        s.with_auth_settings(conjure::auth::Settings {
            trusted_user_header: Some(axum::http::HeaderName::from_static("x-remote-user")),
            trusted_proxies: vec!["10.0.0.5".parse().unwrap()],
            ..Default::default()
        })
    })
    .await;
    let body = r#"{"name":"otto","role":"operator","password":"otto-password"}"#;
    assert_eq!(admin(&app).post("/api/users", body).await.status, 201);
    let proxy = [
        (PEER, "10.0.0.5:40000"),
        ("x-remote-user", "otto"),
        ("x-forwarded-for", "203.0.113.9"),
    ];
    let me = send(&app, "GET", "/api/session", As::Nobody, None, &proxy).await;
    assert_eq!(
        (me.json()["user"].as_str(), me.json()["via"].as_str()),
        (Some("otto"), Some("trusted-header"))
    );

    // From anyone else the header means nothing.
    let spoof = [(PEER, "10.0.0.6:40000"), ("x-remote-user", "admin")];
    assert_eq!(
        send(&app, "GET", "/api/session", As::Nobody, None, &spoof)
            .await
            .status,
        401
    );
    let stranger = [(PEER, "10.0.0.5:40000"), ("x-remote-user", "mallory")];
    let r = send(&app, "GET", "/api/session", As::Nobody, None, &stranger).await;
    assert_eq!(r.status, 403);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("no Conjure account")
    );

    let p1 = up.id("p1");
    let aor = r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#;
    let r = send(
        &app,
        "PUT",
        &format!("/api/objects/aor/{p1}"),
        As::Nobody,
        Some(aor),
        &proxy,
    )
    .await;
    assert_eq!(
        r.status, 403,
        "a change needs the panel's header: {}",
        r.text
    );
    let with_header = [proxy[0], proxy[1], proxy[2], ("x-conjure-csrf", "1")];
    assert_eq!(
        send(
            &app,
            "PUT",
            &format!("/api/objects/aor/{p1}"),
            As::Nobody,
            Some(aor),
            &with_header
        )
        .await
        .status,
        200
    );
    let log = admin(&app).get("/api/audit").await.json();
    assert_eq!(
        (log[0]["actor"].as_str(), log[0]["address"].as_str()),
        (Some("otto"), Some("203.0.113.9"))
    );
}

/// Under a base path a Secure cookie is `__Secure-`, not `__Host-`: `__Host-` demands `Path=/`, which
/// would hand the session to every other app behind the same portal.
#[tokio::test]
async fn a_secure_cookie_under_a_base_path_keeps_its_path() {
    let (app, _up) = app_with("/nonexistent", |s| {
        s.with_base_path("/pbx/conjure")
            .with_auth_settings(conjure::auth::Settings {
                secure_cookies: true,
                ..Default::default()
            })
    })
    .await;
    let body = serde_json::json!({"user": "admin", "password": ADMIN}).to_string();
    let r = send(
        &app,
        "POST",
        "/pbx/conjure/api/login",
        As::Nobody,
        Some(&body),
        &[],
    )
    .await;
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Secure-conjure_session=")
            && cookie.contains("Path=/pbx/conjure;")
            && cookie.contains("; Secure"),
        "{cookie}"
    );
}
