//! Everything that depends on the client's address, over real TCP connections from real client
//! addresses (`127.0.0.2`, `127.0.0.3`: every 127.x is this machine on Linux), with Conjure served by
//! `conjure::serve` as in production. No test-only header: the address comes from the socket.

mod common;

use common::{ADMIN, client_from, over_network, served};
use model::account::Role;

const LOGIN: &str = "/api/login";

fn login_body(user: &str, password: &str) -> String {
    serde_json::json!({ "user": user, "password": password }).to_string()
}

async fn sign_in(url: &str, from: &str, user: &str, password: &str) -> common::Answer {
    over_network(
        client_from(from)
            .post(format!("{url}{LOGIN}"))
            .header("content-type", "application/json")
            .body(login_body(user, password)),
    )
    .await
}

/// A script on the ARI door with the admin's Basic credentials.
async fn script_reads(url: &str, from: &str) -> u16 {
    over_network(
        client_from(from)
            .get(format!(
                "{url}/ari/asterisk/config/dynamic/res_pjsip/endpoint/nobody"
            ))
            .basic_auth("admin", Some(ADMIN)),
    )
    .await
    .status
    .as_u16()
}

#[tokio::test]
async fn wrong_passwords_from_one_address_lock_only_that_address() {
    let (url, _sim) = served(|s| s).await;
    // A script that has worked before the attack: its credentials were verified once and remembered.
    assert_eq!(script_reads(&url, "127.0.0.1").await, 404);
    assert_eq!(script_reads(&url, "127.0.0.2").await, 404);

    let mut last = None;
    for _ in 0..25 {
        last = Some(sign_in(&url, "127.0.0.2", "admin", "wrong-password").await);
    }
    let last = last.unwrap();
    assert_eq!(last.status, 429, "{}", last.text);
    let wait: u64 = last.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1, "Retry-After {wait}");
    assert!(last.json()["message"].as_str().unwrap().contains("Wait"));
    // Even the right password waits, from there.
    assert_eq!(sign_in(&url, "127.0.0.2", "admin", ADMIN).await.status, 429);

    // The admin elsewhere signs in at once, and the scripts go on working, from both addresses.
    let admin = sign_in(&url, "127.0.0.1", "admin", ADMIN).await;
    assert_eq!(admin.status, 200, "{}", admin.text);
    assert_eq!(script_reads(&url, "127.0.0.1").await, 404);
    assert_eq!(script_reads(&url, "127.0.0.2").await, 404);
}

#[tokio::test]
async fn an_address_trying_many_accounts_is_locked_as_a_whole() {
    let (url, _sim) = served(|s| s).await;
    let mut last = None;
    for i in 0..25 {
        last = Some(sign_in(&url, "127.0.0.3", &format!("guess{i}"), "wrong-password").await);
    }
    let last = last.unwrap();
    assert_eq!(last.status, 429, "{}", last.text);
    assert!(
        last.json()["message"]
            .as_str()
            .unwrap()
            .contains("your address"),
        "{}",
        last.text
    );
    assert!(last.headers.contains_key("retry-after"));
    assert_eq!(sign_in(&url, "127.0.0.1", "admin", ADMIN).await.status, 200);
}

#[tokio::test]
async fn the_audit_log_names_the_clients_address() {
    let (url, up) = served(|s| s).await;
    let aor = up.id("addr-test");
    let put = over_network(
        client_from("127.0.0.2")
            .put(format!(
                "{url}/ari/asterisk/config/dynamic/res_pjsip/aor/{aor}"
            ))
            .basic_auth("admin", Some(ADMIN))
            .header("content-type", "application/json")
            .body(r#"{"fields":[{"attribute":"max_contacts","value":"2"}]}"#),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(
        put.headers["cache-control"], "no-store",
        "the door's answers are never cached"
    );
    let audit = over_network(
        client_from("127.0.0.1")
            .get(format!("{url}/api/audit?id={aor}"))
            .basic_auth("admin", Some(ADMIN)),
    )
    .await
    .json();
    assert_eq!(audit[0]["address"], "127.0.0.2", "{audit}");
}

fn portal(s: conjure::AppState) -> conjure::AppState {
    let settings = conjure::auth::Settings {
        trusted_user_header: Some(axum::http::HeaderName::from_static("x-remote-user")),
        trusted_proxies: vec!["127.0.0.2".parse().unwrap()],
        ..Default::default()
    };
    s.with_auth_settings(settings)
}

#[tokio::test]
async fn a_portal_proxy_is_believed_only_from_its_own_address() {
    let (url, up) = served(portal).await;
    let portal_id = up.id("portal");
    let session = |from: &str| {
        client_from(from)
            .get(format!("{url}/api/session"))
            .header("x-remote-user", "admin")
    };
    let me = over_network(session("127.0.0.2")).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json()["via"], "trusted-header");
    assert_eq!(over_network(session("127.0.0.3")).await.status, 401);

    // The header twice (a proxy that appends instead of replacing): nobody is believed.
    let twice = over_network(session("127.0.0.2").header("x-remote-user", "mallory")).await;
    assert_eq!(twice.status, 400, "{}", twice.text);
    assert!(twice.text.contains("more than once"), "{}", twice.text);

    // The client's address is the rightmost X-Forwarded-For entry the proxy did not write itself;
    // what the client put to the left of it proves nothing.
    let put = |forwarded: &str| {
        client_from("127.0.0.2")
            .put(format!(
                "{url}/api/objects/aor/{portal_id}-{}",
                forwarded.len()
            ))
            .header("x-remote-user", "admin")
            .header("x-conjure-csrf", "1")
            .header("x-forwarded-for", forwarded)
            .header("content-type", "application/json")
            .body(r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#)
    };
    for (forwarded, client) in [
        ("198.51.100.7", "198.51.100.7"),
        ("203.0.113.66, 198.51.100.7", "198.51.100.7"),
        ("203.0.113.66, 198.51.100.7, 127.0.0.2", "198.51.100.7"),
    ] {
        let r = over_network(put(forwarded)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let id = format!("{portal_id}-{}", forwarded.len());
        up.track(&id);
        let audit = over_network(
            client_from("127.0.0.1")
                .get(format!("{url}/api/audit?id={id}"))
                .basic_auth("admin", Some(ADMIN)),
        )
        .await
        .json();
        assert_eq!(audit[0]["address"], client, "{forwarded}: {audit}");
    }
}

#[tokio::test]
async fn cookies_are_secure_behind_a_trusted_tls_proxy_only() {
    let (url, _sim) = served(portal).await;
    let login = |from: &str| {
        client_from(from)
            .post(format!("{url}{LOGIN}"))
            .header("content-type", "application/json")
            .header("x-forwarded-proto", "https")
            .body(login_body("admin", ADMIN))
    };
    let trusted = over_network(login("127.0.0.2")).await;
    let cookie = trusted.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-conjure_session=")
            && cookie.contains("; Secure")
            && cookie.contains("Path=/;"),
        "{cookie}"
    );
    let stranger = over_network(login("127.0.0.3")).await;
    let cookie = stranger.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("conjure_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    // The __Host- cookie works as a session.
    let value = trusted.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me = over_network(
        client_from("127.0.0.1")
            .get(format!("{url}/api/session"))
            .header("cookie", &value),
    )
    .await;
    assert_eq!(me.status, 200, "{}", me.text);
    // Two session cookies (one planted by a sibling site): refused, not guessed between.
    let two = over_network(
        client_from("127.0.0.1")
            .get(format!("{url}/api/session"))
            .header("cookie", format!("conjure_session=planted; {value}")),
    )
    .await;
    assert_eq!(two.status, 400, "{}", two.text);
}

#[tokio::test]
async fn an_ipv4_client_of_a_dual_stack_listener_is_compared_as_ipv4() {
    let up = common::upstream().await;
    let Ok(listener) = tokio::net::TcpListener::bind("[::]:0").await else {
        println!("skipped: this machine has no IPv6 to listen on");
        return;
    };
    let state = portal(conjure::AppState::new(
        conjure::ari::AriClient::new(common::target_of(&up)).unwrap(),
        model::api::Mode::Asterisk,
        Some(conjure::Secret::from(ADMIN)),
        "/nonexistent".into(),
        conjure::store::Store::in_memory().unwrap(),
    ));
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(conjure::serve(listener, state, std::future::pending()));
    // The listener sees ::ffff:127.0.0.2; the trusted proxy is configured as 127.0.0.2.
    let me = over_network(
        client_from("127.0.0.2")
            .get(format!("http://127.0.0.1:{port}/api/session"))
            .header("x-remote-user", "admin"),
    )
    .await;
    assert_eq!(me.status, 200, "{}", me.text);
    let role: Role = serde_json::from_value(me.json()["role"].clone()).unwrap();
    assert_eq!(role, Role::Admin);
}

#[tokio::test]
async fn a_browsers_cross_site_change_is_refused_whatever_the_credentials() {
    let (url, up) = served(|s| s).await;
    let cross = up.id("cross");
    let http = client_from("127.0.0.1");
    let token = over_network(
        http.post(format!("{url}/api/tokens"))
            .basic_auth("admin", Some(ADMIN))
            .header("content-type", "application/json")
            .body(r#"{"name":"cross","role":"admin"}"#),
    )
    .await
    .json()["value"]
        .as_str()
        .unwrap()
        .to_string();
    let body = r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#;
    for (what, req) in [
        (
            "Basic on /api",
            http.put(format!("{url}/api/objects/aor/{cross}"))
                .basic_auth("admin", Some(ADMIN)),
        ),
        (
            "Bearer on /api",
            http.put(format!("{url}/api/objects/aor/{cross}"))
                .bearer_auth(&token),
        ),
        (
            "Basic on the ARI door",
            http.put(format!(
                "{url}/ari/asterisk/config/dynamic/res_pjsip/aor/{cross}"
            ))
            .basic_auth("admin", Some(ADMIN)),
        ),
        (
            "DELETE with a token",
            http.delete(format!("{url}/api/tokens/1"))
                .bearer_auth(&token),
        ),
    ] {
        let r = over_network(
            req.header("sec-fetch-site", "cross-site")
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        assert_eq!(r.status, 403, "{what}: {}", r.text);
    }
    // Without the browser's mark, the same requests are a script's and pass.
    let ok = over_network(
        http.put(format!("{url}/api/objects/aor/{cross}"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // A GET stays possible (a link from another site opens the panel).
    let get = over_network(
        http.get(format!("{url}/api/objects/aor/{cross}"))
            .bearer_auth(&token)
            .header("sec-fetch-site", "cross-site"),
    )
    .await;
    assert_eq!(get.status, 200);
}
