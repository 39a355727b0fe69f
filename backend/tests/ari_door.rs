//! The ARI-shaped door: the walk-through's requests work unchanged but for host and credentials, and
//! nothing that would crash Asterisk or leave res_pjsip gets through.

mod common;

use common::{ADMIN, call, harness};
use common::{admin, anon};

const DOOR: &str = "/ari/asterisk/config/dynamic/res_pjsip";

#[tokio::test]
async fn walk_through_and_merge_keeps_the_secret() {
    let h = harness().await;
    let alice = h.up.id("alice");
    let url = format!("{DOOR}/auth/{alice}");
    assert_eq!(admin(&h.app).get(&url).await.status, 404);
    let body = r#"{"fields":[{"attribute":"username","value":"alice"},{"attribute":"password","value":"supersecret"}]}"#;
    let r = admin(&h.app).put(&url, body).await;
    assert_eq!(r.status, 200);
    let fields = r.json();
    assert_eq!(
        fields.as_array().unwrap().len(),
        7,
        "12 attributes less 5 secrets"
    );
    assert!(!r.text.contains("supersecret") && !r.text.contains("\"password\""));

    // Read, edit, write back without the secret: Asterisk merges, so the password stays.
    let r = admin(&h.app)
        .put(&url, r#"{"fields":[{"attribute":"realm","value":"r1"}]}"#)
        .await;
    assert_eq!(r.status, 200);
    let (_, direct) = common::on_asterisk(&h.up, &format!("auth/{alice}")).await;
    assert!(direct.contains("supersecret") && direct.contains("r1"));

    let r = anon(&h.app)
        .get(&format!("{url}?api_key=admin:{ADMIN}"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(admin(&h.app).delete(&url).await.status, 204);
    assert_eq!(admin(&h.app).get(&url).await.status, 404);
}

#[tokio::test]
async fn door_refuses_what_asterisk_must_never_see() {
    let h = harness().await;
    let crash = h.up.id("crash-auth");
    admin(&h.app).put(&format!("{DOOR}/auth/{crash}"), r#"{"fields":[{"attribute":"username","value":"c"},{"attribute":"password","value":"x"}]}"#).await;
    let crash_bodies = [
        r#"{"fields":[{"attribute":"password"}]}"#,
        r#"{"fields":[{"value":"x"}]}"#,
        r#"{"fields":[{"attribute":"max_contacts","value":5}]}"#,
        r#"{"fields":[{"attribute":"password","value":null}]}"#,
        r#"{"fields":[{"attribute":"password","value":true}]}"#,
        r#"{"fields":["password=x"]}"#,
        r#"{"fields":[null]}"#,
    ];
    for b in crash_bodies {
        let r = admin(&h.app).put(&format!("{DOOR}/auth/{crash}"), b).await;
        assert_eq!(r.status, 400, "{b}");
        assert!(
            r.json()["message"]
                .as_str()
                .unwrap()
                .starts_with("fields[0]"),
            "{b}: {}",
            r.text
        );
    }
    if let Some(sim) = h.up.sim() {
        assert_eq!(
            sim.restarts(),
            0,
            "the simulator crashed: a crash body got through"
        );
    }

    let cases: &[(&str, &str, u16, &str)] = &[
        (
            "GET",
            "/ari/asterisk/config/dynamic/nosuchclass/auth/x",
            404,
            "configClass 'nosuchclass' not found",
        ),
        (
            "GET",
            "/ari/asterisk/config/dynamic/res_pjsip/nosuchtype/x",
            404,
            "objectType 'nosuchtype' not found",
        ),
        (
            "GET",
            "/ari/asterisk/config/dynamic/res_pjsip/auth/nul%00byte",
            400,
            "control character",
        ),
        (
            "GET",
            "/ari/asterisk/config/dynamic/res_pjsip/auth/",
            404,
            "do not end with a slash",
        ),
        ("GET", "/ari/asterisk/info", 404, "Resource not found"),
        ("GET", "/ari/channels", 404, "Resource not found"),
        (
            "POST",
            "/ari/asterisk/config/dynamic/res_pjsip/auth/x",
            405,
            "Invalid method",
        ),
        // As Asterisk answers: a path without an id has no methods; a long id can be read.
        (
            "PUT",
            "/ari/asterisk/config/dynamic/res_pjsip/auth",
            405,
            "Invalid method",
        ),
        (
            "GET",
            "/ari/asterisk/config/dynamic/res_pjsip",
            405,
            "Invalid method",
        ),
        (
            "DELETE",
            "/ari/asterisk/config/dynamic/res_pjsip//x",
            405,
            "Invalid method",
        ),
        (
            "GET",
            "/ari/asterisk/config/dynamic/res_pjsip/auth/LONGID",
            404,
            "not found",
        ),
    ];
    for (method, uri, status, needle) in cases {
        let uri = uri.replace("LONGID", &"q".repeat(1300));
        let r = call(&h.app, method, &uri, Some(ADMIN), None).await;
        assert_eq!(r.status.as_u16(), *status, "{method} {uri}: {}", r.text);
        if *status == 405 && !uri.ends_with("/x") {
            assert_eq!(r.headers["allow"], "OPTIONS", "{uri}");
        }
        assert!(
            r.json()["message"].as_str().unwrap().contains(needle),
            "{uri}: {}",
            r.text
        );
    }
    let r = call(
        &h.app,
        "GET",
        &format!("{DOOR}/auth/x"),
        Some("wrong"),
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    let r = anon(&h.app).get(&format!("{DOOR}/auth/x")).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn ids_reach_asterisk_as_asterisk_decodes_them() {
    let h = harness().await;
    let a = h.up.id("a");
    let x = h.up.id("x");
    let body = r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#;
    h.up.track(&format!("{a} b"));
    h.up.track(&format!("{x}/y+z"));
    // `+` is a space to Asterisk, and to the door; `%2B` is a plus.
    assert_eq!(
        admin(&h.app)
            .put(&format!("{DOOR}/domain_alias/{a}+b"), body)
            .await
            .status,
        200
    );
    assert_eq!(
        admin(&h.app)
            .get(&format!("{DOOR}/domain_alias/{a}%20b"))
            .await
            .status,
        200
    );
    assert_eq!(
        admin(&h.app)
            .get(&format!("{DOOR}/domain_alias/{a}%2Bb"))
            .await
            .status,
        404
    );
    // The panel's API takes ids literally: a `/` and a `+` survive the trip.
    assert_eq!(
        admin(&h.app)
            .put(&format!("/api/objects/domain_alias/{x}%2Fy+z"), body)
            .await
            .status,
        200
    );
    let r = admin(&h.app)
        .get(&format!("{DOOR}/domain_alias/{x}%2Fy%2Bz"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// The same answers over a real socket, Conjure served as in production: a path without an id, an id
/// longer than Conjure makes, and a server name asked for before signing in.
#[tokio::test]
async fn the_door_answers_as_asterisk_over_a_real_socket() {
    let (url, _up) = common::served(|s| s).await;
    let http = reqwest::Client::new();
    let r = http
        .put(format!("{url}{DOOR}/auth"))
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "OPTIONS");
    let long = "q".repeat(1300);
    let r = http
        .get(format!("{url}{DOOR}/auth/{long}"))
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        404,
        "read, and not found, as Asterisk answers"
    );
    // Before signing in, a server that exists and one that does not answer alike.
    for name in ["default", "no-such-server"] {
        let r = http
            .get(format!(
                "{url}/servers/{name}/ari/asterisk/config/dynamic/res_pjsip/auth/x"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{name}");
    }
}
