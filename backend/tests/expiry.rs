//! What happens after the waits that nobody should sit through in a test: a sign-in lock running out,
//! a session's maximum length, an import's results dropped after an hour. The panel's clock is a
//! `ManualClock` that the test moves; everything else is the real router.

mod common;

use std::time::Duration;

use common::admin;
use common::{ADMIN, As, app_with, import_and_wait, send};
use conjure::clock::ManualClock;

#[tokio::test]
async fn a_lock_ends_after_its_wait_and_a_session_after_its_hours() {
    let clock = ManualClock::new();
    let (app, _up) = app_with("/nonexistent", {
        let clock = clock.clone();
        |s| s.with_clock(clock)
    })
    .await;
    let login =
        |password: &str| serde_json::json!({"user": "admin", "password": password}).to_string();
    for _ in 0..5 {
        send(
            &app,
            "POST",
            "/api/login",
            As::Nobody,
            Some(&login("wrong-password")),
            &[],
        )
        .await;
    }
    let locked = send(
        &app,
        "POST",
        "/api/login",
        As::Nobody,
        Some(&login(ADMIN)),
        &[],
    )
    .await;
    assert_eq!(locked.status, 429);
    assert_eq!(locked.headers["retry-after"], "30");
    clock.advance(Duration::from_secs(29));
    let still = send(
        &app,
        "POST",
        "/api/login",
        As::Nobody,
        Some(&login(ADMIN)),
        &[],
    )
    .await;
    assert_eq!(
        (still.status.as_u16(), &still.headers["retry-after"]),
        (429, &"1".parse::<axum::http::HeaderValue>().unwrap())
    );
    clock.advance(Duration::from_secs(1));
    let ok = send(
        &app,
        "POST",
        "/api/login",
        As::Nobody,
        Some(&login(ADMIN)),
        &[],
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);

    // However busy, a session ends 12 hours after sign-in.
    let cookie = ok.headers["set-cookie"].to_str().unwrap();
    let id = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    // Used every 20 minutes (within the 30 idle minutes) for 11 h 40 min: still signed in.
    for _ in 0..35 {
        clock.advance(Duration::from_secs(20 * 60));
        let me = send(
            &app,
            "GET",
            "/api/session",
            As::Session(&id, None),
            None,
            &[],
        )
        .await;
        assert_eq!(me.status, 200);
    }
    clock.advance(Duration::from_secs(21 * 60));
    let ended = send(
        &app,
        "GET",
        "/api/session",
        As::Session(&id, None),
        None,
        &[],
    )
    .await;
    assert_eq!(ended.status, 401);
    assert!(ended.text.contains("maximum length"), "{}", ended.text);
}

#[tokio::test]
async fn an_imports_results_are_gone_an_hour_after_it_ended() {
    let clock = ManualClock::new();
    let (app, up) = app_with("/nonexistent", {
        let clock = clock.clone();
        |s| s.with_clock(clock)
    })
    .await;
    let mia = up.id("4601");
    let id = import_and_wait(&app, &format!("extension,name\n{mia},Mia\n")).await;
    let path = format!("/api/imports/{id}/results.csv");
    clock.advance(Duration::from_secs(59 * 60));
    let r = admin(&app).get(&path).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains(&mia));
    clock.advance(Duration::from_secs(60));
    let gone = admin(&app).get(&path).await;
    assert_eq!(gone.status, 410, "{}", gone.text);
    assert!(
        gone.text.contains("an hour after it finished"),
        "{}",
        gone.text
    );
}
