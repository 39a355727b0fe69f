//! Signing in: cookies, cross-site protection, sign-out, expiry, throttling, changing a password.

mod common;

use std::time::Duration;

use common::admin;
use common::{ADMIN, As, PEER, app_with, call, harness, send};

const EP: &str = r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#;

/// Signs in; returns (session id, CSRF token, Set-Cookie).
async fn login(app: &axum::Router, user: &str, password: &str) -> (String, String, String) {
    let body = serde_json::json!({"user": user, "password": password}).to_string();
    let r = send(app, "POST", "/api/login", As::Nobody, Some(&body), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let cookie = r.headers["set-cookie"].to_str().unwrap().to_string();
    // `conjure_session=`, or `__Host-conjure_session=` when the cookie is Secure.
    let id = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once("conjure_session=")
        .unwrap()
        .1
        .to_string();
    (id, r.json()["csrf"].as_str().unwrap().to_string(), cookie)
}

#[tokio::test]
async fn a_session_changes_things_only_with_its_csrf_token() {
    let h = harness().await;
    let (id, csrf, cookie) = login(&h.app, "admin", ADMIN).await;
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let me = send(
        &h.app,
        "GET",
        "/api/session",
        As::Session(&id, None),
        None,
        &[],
    )
    .await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["via"], "session");
    assert_eq!(me.json()["csrf"], csrf.as_str());

    let put = &format!("/api/objects/aor/{}", h.up.id("a1"));
    for (who, headers, status) in [
        (As::Session(&id, None), vec![], 403),
        (As::Session(&id, Some("forged")), vec![], 403),
        (
            As::Session(&id, Some(&csrf)),
            vec![("sec-fetch-site", "cross-site")],
            403,
        ),
        (
            As::Session(&id, Some(&csrf)),
            vec![("sec-fetch-site", "same-origin")],
            200,
        ),
    ] {
        let r = send(&h.app, "PUT", put, who, Some(EP), &headers).await;
        assert_eq!(r.status, status, "{headers:?}: {}", r.text);
        if status == 403 {
            assert!(
                r.json()["message"]
                    .as_str()
                    .unwrap()
                    .contains("did not come from Conjure's own page")
            );
        }
    }
    // Reading needs no token (SameSite=Strict keeps the cookie off other sites' requests).
    assert_eq!(
        send(&h.app, "GET", put, As::Session(&id, None), None, &[])
            .await
            .status,
        200
    );

    let out = send(
        &h.app,
        "POST",
        "/api/logout",
        As::Session(&id, Some(&csrf)),
        None,
        &[],
    )
    .await;
    assert_eq!(out.status, 204);
    assert!(
        out.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = send(
        &h.app,
        "GET",
        "/api/session",
        As::Session(&id, None),
        None,
        &[],
    )
    .await;
    assert_eq!(after.status, 401);
    assert!(
        after.json()["message"]
            .as_str()
            .unwrap()
            .contains("not signed in")
    );
}

#[tokio::test]
async fn sign_in_refuses_forms_and_other_sites() {
    let h = harness().await;
    let form = send(
        &h.app,
        "POST",
        "/api/login",
        As::Nobody,
        None,
        &[("content-type", "application/x-www-form-urlencoded")],
    )
    .await;
    assert_eq!(form.status, 415);
    let body = serde_json::json!({"user": "admin", "password": ADMIN}).to_string();
    let other = send(
        &h.app,
        "POST",
        "/api/login",
        As::Nobody,
        Some(&body),
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(other.status, 403);
    let bad = send(
        &h.app,
        "POST",
        "/api/login",
        As::Nobody,
        Some("{\"user\":1}"),
        &[],
    )
    .await;
    assert_eq!(bad.status, 400);
    let none = send(&h.app, "GET", "/api/objects/aor/x", As::Nobody, None, &[]).await;
    assert_eq!(none.status, 401);
    assert!(
        none.headers.get("www-authenticate").is_none(),
        "a browser must not pop up its own prompt"
    );
}

#[tokio::test]
async fn sessions_end_when_idle_and_cookies_can_be_secure() {
    // The default 30 idle minutes, on a clock the test moves.
    let clock = conjure::clock::ManualClock::new();
    let (app, _up) = app_with("/nonexistent", {
        let clock = clock.clone();
        |s| {
            s.with_auth_settings(conjure::auth::Settings {
                secure_cookies: true,
                ..Default::default()
            })
            .with_clock(clock)
        }
    })
    .await;
    let (id, _, cookie) = login(&app, "admin", ADMIN).await;
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.starts_with("__Host-conjure_session="), "{cookie}");
    // A Secure session arrives only under its prefixed name: a plain one could have been planted over
    // plain HTTP by anyone on the way.
    let plain = send(
        &app,
        "GET",
        "/api/session",
        As::Session(&id, None),
        None,
        &[],
    )
    .await;
    assert_eq!(plain.status, 401, "{}", plain.text);
    let id = format!("__Host-conjure_session={id}");
    for _ in 0..3 {
        // Used every 20 minutes, it stays.
        clock.advance(Duration::from_secs(20 * 60));
        assert_eq!(
            send(
                &app,
                "GET",
                "/api/session",
                As::Session(&id, None),
                None,
                &[]
            )
            .await
            .status,
            200
        );
    }
    clock.advance(Duration::from_secs(30 * 60));
    let r = send(
        &app,
        "GET",
        "/api/session",
        As::Session(&id, None),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, 401);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("without activity"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn twenty_wrong_passwords_in_a_row() {
    let h = harness().await;
    let from = [(PEER, "192.0.2.7:5000")];
    let wrong = serde_json::json!({"user": "admin", "password": "not-the-password"}).to_string();
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..20 {
        let r = send(
            &h.app,
            "POST",
            "/api/login",
            As::Nobody,
            Some(&wrong),
            &from,
        )
        .await;
        statuses.push(r.status.as_u16());
        last = Some(r);
    }
    assert_eq!(statuses[..5], [401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let last = last.unwrap();
    let msg = last.json()["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("Too many wrong passwords for this account. Wait 30 seconds"),
        "{msg}"
    );
    assert_eq!(last.headers["retry-after"], "30");
    // The right password waits too, or the lock would not slow a guesser down; on every door.
    let right = serde_json::json!({"user": "admin", "password": ADMIN}).to_string();
    assert_eq!(
        send(
            &h.app,
            "POST",
            "/api/login",
            As::Nobody,
            Some(&right),
            &from
        )
        .await
        .status,
        429
    );
    assert_eq!(
        send(
            &h.app,
            "GET",
            "/ari/asterisk/config/dynamic/res_pjsip/aor/x",
            As::Basic("admin", ADMIN),
            None,
            &from
        )
        .await
        .status,
        429
    );
    // Another account is not locked by admin's failures...
    let (app2, _up2) = app_with("/nonexistent", |s| s).await;
    let spray = |user: usize| {
        serde_json::json!({"user": format!("u{user}"), "password": "guess-guess"}).to_string()
    };
    // ...but one address guessing across many accounts is stopped after 20 failures.
    let mut codes = Vec::new();
    for u in 0..22 {
        codes.push(
            send(
                &app2,
                "POST",
                "/api/login",
                As::Nobody,
                Some(&spray(u)),
                &from,
            )
            .await
            .status
            .as_u16(),
        );
    }
    assert_eq!(codes[..20], [401; 20], "{codes:?}");
    assert_eq!(codes[20..], [429; 2], "{codes:?}");
    let elsewhere = send(
        &app2,
        "POST",
        "/api/login",
        As::Nobody,
        Some(&right),
        &[(PEER, "198.51.100.1:1")],
    )
    .await;
    assert_eq!(
        elsewhere.status, 200,
        "another address is not locked: {}",
        elsewhere.text
    );
}

#[tokio::test]
async fn changing_ones_password_ends_the_old_one() {
    let h = harness().await;
    let (id, csrf, _) = login(&h.app, "admin", ADMIN).await;
    let (other, _, _) = login(&h.app, "admin", ADMIN).await;
    let me = As::Session(&id, Some(&csrf));
    let change = |cur: &str, new: &str| serde_json::json!({"current": cur, "new": new}).to_string();
    let r = send(
        &h.app,
        "POST",
        "/api/password",
        me,
        Some(&change("nope-nope", "a-new-password-1")),
        &[],
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()["field_index"].as_u64()),
        (400, Some(0)),
        "{}",
        r.text
    );
    let r = send(
        &h.app,
        "POST",
        "/api/password",
        me,
        Some(&change(ADMIN, "short")),
        &[],
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()["field_index"].as_u64()),
        (400, Some(1)),
        "{}",
        r.text
    );
    // Remembered Basic credentials must be forgotten with the old password.
    assert_eq!(admin(&h.app).get("/api/session").await.status, 200);
    let r = send(
        &h.app,
        "POST",
        "/api/password",
        me,
        Some(&change(ADMIN, "a-new-password-1")),
        &[],
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(admin(&h.app).get("/api/session").await.status, 401);
    assert_eq!(
        call(
            &h.app,
            "GET",
            "/api/session",
            Some("a-new-password-1"),
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        send(&h.app, "GET", "/api/session", me, None, &[])
            .await
            .status,
        200,
        "this session stays"
    );
    assert_eq!(
        send(
            &h.app,
            "GET",
            "/api/session",
            As::Session(&other, None),
            None,
            &[]
        )
        .await
        .status,
        401,
        "others end"
    );
}
