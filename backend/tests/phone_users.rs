//! Phone users: one form makes an auth, an aor and an endpoint, or nothing; delete, change; the CSV import
//! with its dry run, progress, cancel, results, re-runs; crash recovery.

mod common;

use axum::extract::Request;
use axum::response::IntoResponse;
use common::admin;
use common::{ADMIN, app_with, call, harness, on_asterisk};
use tower::ServiceExt;

fn basic() -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("admin:{ADMIN}"))
    )
}

#[tokio::test]
async fn one_form_makes_auth_aor_and_endpoint() {
    let h = harness().await;
    let ext = h.up.id("2041");
    let other = h.up.id("2043");
    let r = admin(&h.app)
        .post(
            "/api/phone-users",
            &format!(r#"{{"extension":"{ext}","name":"Anna Berg","voicemail":"{ext}"}}"#),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let setup = r.json();
    let password = setup["password"].as_str().unwrap().to_string();
    assert_eq!(password.len(), 20);
    // No --sip-server: the card says it is not set rather than showing the ARI URL's host.
    assert_eq!(setup["username"].as_str(), Some(ext.as_str()));
    assert!(setup["server"].is_null(), "{setup}");
    assert_eq!(setup["transport"], "UDP, port 5060");
    let (s, ep) = on_asterisk(&h.up, &format!("endpoint/{ext}")).await;
    assert_eq!(s, 200);
    for needle in [
        format!(r#""auth","value":"{ext}""#),
        format!(r#""aors","value":"{ext}""#),
        "Anna Berg".into(),
        format!("{ext}@default"),
        "g722".into(),
    ] {
        assert!(ep.contains(&needle), "{needle} in {ep}");
    }
    let (_, auth) = on_asterisk(&h.up, &format!("auth/{ext}")).await;
    assert!(
        auth.contains(&password),
        "the phone's password is on Asterisk"
    );
    assert_eq!(on_asterisk(&h.up, &format!("aor/{ext}")).await.0, 200);
    let audit = admin(&h.app).get("/api/audit").await;
    assert_eq!(audit.json().as_array().unwrap().len(), 3);
    assert!(!audit.text.contains(&password));
    let list = admin(&h.app)
        .get("/api/phone-users?search=berg")
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["template"], "desk-phone");

    // Asterisk has it already: refused before anything is pushed.
    let again = admin(&h.app)
        .post(
            "/api/phone-users",
            &format!(r#"{{"extension":"{ext}","name":"Bo"}}"#),
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(
        again.json()["message"]
            .as_str()
            .unwrap()
            .contains(&format!("already has an endpoint named {ext}"))
    );
    let bad = admin(&h.app)
        .post(
            "/api/phone-users",
            &format!(r#"{{"extension":"{other}","name":"Cy","password":"short"}}"#),
        )
        .await;
    assert_eq!(
        (bad.status.as_u16(), bad.json()["field_index"].as_u64()),
        (400, Some(2))
    );

    // Change the name, reset the password, delete.
    let r = admin(&h.app)
        .patch(
            &format!("/api/phone-users/{ext}"),
            r#"{"name":"Anna Lind","reset_password":true}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let new_pw = r.json()["password"].as_str().unwrap().to_string();
    assert!(
        on_asterisk(&h.up, &format!("endpoint/{ext}"))
            .await
            .1
            .contains("Anna Lind")
    );
    assert!(
        on_asterisk(&h.up, &format!("auth/{ext}"))
            .await
            .1
            .contains(&new_pw)
    );
    assert_eq!(
        admin(&h.app)
            .delete(&format!("/api/phone-users/{ext}"))
            .await
            .status,
        204
    );
    for ty in ["auth", "aor", "endpoint"] {
        assert_eq!(
            on_asterisk(&h.up, &format!("{ty}/{ext}")).await.0,
            404,
            "{ty}"
        );
    }
    assert_eq!(
        admin(&h.app).get("/api/phone-users").await.json()["total"],
        0
    );
}

/// Between Conjure and the simulator: refuses every endpoint PUT, as an Asterisk without a writable
/// endpoint backend would.
async fn refusing_endpoints(up: &common::Upstream) -> String {
    let (sim_base, http) = (up.base.clone(), up.http());
    let proxy = axum::Router::new().fallback(move |req: Request| {
        let (sim_base, http) = (sim_base.clone(), http.clone());
        async move {
            let (parts, body) = req.into_parts();
            if parts.method == "PUT" && parts.uri.path().contains("/res_pjsip/endpoint/") {
                let msg = r#"{"message":"Cannot create sorcery objects of type 'endpoint'"}"#;
                return (
                    axum::http::StatusCode::FORBIDDEN,
                    [("content-type", "application/json")],
                    msg,
                )
                    .into_response();
            }
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
            let mut fwd = http.request(parts.method.clone(), format!("{sim_base}{}", parts.uri));
            for k in ["authorization", "content-type"] {
                if let Some(v) = parts.headers.get(k) {
                    fwd = fwd.header(k, v);
                }
            }
            let r = fwd.body(body).send().await.unwrap();
            let status = r.status();
            (status, r.bytes().await.unwrap()).into_response()
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, proxy).await });
    base
}

#[tokio::test]
async fn a_failed_step_leaves_nothing_behind() {
    let up = common::upstream().await;
    let ext = up.id("2050");
    let proxy = refusing_endpoints(&up).await;
    let app = common::router(common::target(&proxy, &up.user, &up.password));
    let r = admin(&app)
        .post(
            "/api/phone-users",
            &format!(r#"{{"extension":"{ext}","name":"Dora"}}"#),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let msg = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        msg.starts_with(&format!(
            "Step 3 of 3, creating the endpoint {ext}, failed: Cannot create sorcery objects"
        )),
        "{msg}"
    );
    assert!(msg.contains("removed again"), "{msg}");
    assert!(r.json()["hint"].as_str().unwrap().contains("sorcery.conf"));
    for ty in ["auth", "aor", "endpoint"] {
        assert_eq!(
            on_asterisk(&up, &format!("{ty}/{ext}")).await.0,
            404,
            "{ty} is left behind"
        );
    }
    assert_eq!(admin(&app).get("/api/phone-users").await.json()["total"], 0);
}

/// Five rows for extensions `e` (3001, 3002, 3003, 3005): one with a short password, one repeating the first.
fn five_rows([a, b, c, e]: &[String; 4]) -> String {
    format!(
        "extension;name;password\n{a};Ann;\n{b};Bob;too-short\n{c};Cid;\n{a};Ann twice;\n{e};Eve;\n"
    )
}

#[tokio::test]
async fn import_dry_run_then_apply_then_again() {
    let h = harness().await;
    let exts = ["3001", "3002", "3003", "3005"].map(|e| h.up.id(e));
    let rows = five_rows(&exts);
    let dry = admin(&h.app).post("/api/imports?dry_run=true", &rows).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let check = dry.json();
    assert_eq!(
        (check["rows"].as_u64(), check["ready"].as_u64()),
        (Some(5), Some(3))
    );
    let errors: Vec<(u64, String)> = check["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [(3, "password".to_string()), (5, "extension".to_string())]
    );
    assert_eq!(
        on_asterisk(&h.up, &format!("auth/{}", exts[0])).await.0,
        404,
        "a dry run changes nothing"
    );

    let started = admin(&h.app).post("/api/imports", &rows).await;
    assert_eq!(started.status, 202, "{}", started.text);
    let id = started.json()["progress"]["id"].as_u64().unwrap();
    let events = admin(&h.app)
        .get(&format!("/api/imports/{id}/events"))
        .await;
    assert!(
        events.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let last = events
        .text
        .lines()
        .rev()
        .find(|l| l.starts_with("data:"))
        .unwrap();
    let last: serde_json::Value = serde_json::from_str(last.trim_start_matches("data:")).unwrap();
    assert_eq!(
        (
            last["created"].as_u64(),
            last["failed"].as_u64(),
            last["not_imported"].as_u64(),
            last["finished"].as_bool()
        ),
        // The rows the check refused are not failures: nothing was tried with them.
        (Some(3), Some(0), Some(2), Some(true))
    );
    for ext in [&exts[0], &exts[2], &exts[3]] {
        for ty in ["auth", "aor", "endpoint"] {
            assert_eq!(
                on_asterisk(&h.up, &format!("{ty}/{ext}")).await.0,
                200,
                "{ty}/{ext}"
            );
        }
    }
    let results = admin(&h.app)
        .get(&format!("/api/imports/{id}/results.csv"))
        .await;
    let lines = cells(&results.text);
    assert_eq!(lines.len(), 6, "{}", results.text);
    assert_eq!(lines[0][4], "generated password");
    assert!(
        lines[1][..3] == ["2", exts[0].as_str(), "created"] && lines[1][4].len() == 20,
        "{:?}",
        lines[1]
    );
    assert!(
        lines[2][..3] == ["3", exts[1].as_str(), "not imported"]
            && lines[2][3].starts_with("password:"),
        "{:?}",
        lines[2]
    );

    // The same file again: the done rows are skipped, nothing is created twice.
    let again = admin(&h.app).post("/api/imports", &rows).await;
    let id2 = again.json()["progress"]["id"].as_u64().unwrap();
    let p = wait_finished(&h.app, id2).await;
    assert_eq!(
        (p["created"].as_u64(), p["skipped"].as_u64()),
        (Some(0), Some(3))
    );

    let export = admin(&h.app).get("/api/phone-users.csv").await;
    let rows = cells(&export.text);
    assert_eq!(rows[0], ["extension", "name", "template", "voicemail"]);
    assert_eq!(rows.len(), 4);
    let with = admin(&h.app)
        .get("/api/phone-users.csv?passwords=true")
        .await;
    let rows = cells(&with.text);
    assert_eq!(rows[0].last().unwrap(), "password");
    assert_eq!(rows[1].last().unwrap().len(), 20);
}

/// A CSV download as a spreadsheet splits it.
fn cells(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The import's final progress: its events end when it is finished.
async fn wait_finished(app: &axum::Router, id: u64) -> serde_json::Value {
    let last = common::progress_until(app, id, |_| false).await;
    assert_eq!(last["finished"], true, "import {id} did not finish: {last}");
    last
}

#[tokio::test]
async fn a_cancelled_import_leaves_only_whole_users() {
    let (app, up) = app_with("/nonexistent", |mut s| {
        s.provision_concurrency = 2;
        s
    })
    .await;
    let first = up.id("5");
    let ext = |i: usize| format!("{first}{i:03}");
    let mut file = String::from("extension,name\n");
    for i in 0..400 {
        up.track(&ext(i));
        file.push_str(&format!("{},User {i}\n", ext(i)));
    }
    let started = admin(&app).post("/api/imports", &file).await;
    let id = started.json()["progress"]["id"].as_u64().unwrap();
    // Cancel once rows have gone to Asterisk, whenever that is.
    let running = common::progress_until(&app, id, |p| p["created"].as_u64() > Some(0)).await;
    assert_eq!(running["finished"], false, "{running}");
    assert_eq!(
        call(
            &app,
            "POST",
            &format!("/api/imports/{id}/cancel"),
            Some(ADMIN),
            None
        )
        .await
        .status,
        202
    );
    let p = wait_finished(&app, id).await;
    let created = p["created"].as_u64().unwrap();
    assert!(
        p["cancelled"] == true && created > 0 && created < 400,
        "{p}"
    );
    assert_eq!(p["skipped"].as_u64().unwrap() + created, 400);
    // Every user is whole: as many auths as endpoints on Asterisk.
    for ty in ["auth", "aor", "endpoint"] {
        let mut n = 0;
        for i in 0..400 {
            if on_asterisk(&up, &format!("{ty}/{}", ext(i))).await.0 == 200 {
                n += 1;
            }
        }
        assert_eq!(n, created, "{ty}s on Asterisk");
    }
}

#[tokio::test]
async fn files_that_cannot_be_imported_say_why_and_change_nothing() {
    let h = harness().await;
    let cases: [(&str, &str); 3] = [
        ("ext;password\n2041;x\n", "no column 'name'"),
        ("", "empty"),
        ("\u{feff}extension,name\n\n\n", "no rows"),
    ];
    for (body, needle) in cases {
        let r = admin(&h.app).post("/api/imports?dry_run=true", body).await;
        assert_eq!(r.status, 400, "{needle}: {}", r.text);
        assert!(r.text.contains(needle), "{needle}: {}", r.text);
    }
    // Latin-1 bytes, as a spreadsheet in another encoding writes them.
    let r = h
        .app
        .clone()
        .oneshot(
            axum::http::Request::post("/api/imports?dry_run=true")
                .header("authorization", basic())
                .body(axum::body::Body::from(
                    &b"extension,name\n2041,J\xf6rg\n"[..],
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let text = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
    assert!(String::from_utf8_lossy(&text).contains("Line 2 is not UTF-8"));
    let big = "x".repeat(9 * 1024 * 1024);
    let r = admin(&h.app).post("/api/imports", &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(
        admin(&h.app).get("/api/phone-users").await.json()["total"],
        0
    );
}

#[tokio::test]
async fn a_user_half_made_by_a_crash_is_removed_at_start() {
    let up = common::upstream().await;
    let ext = up.id("2060");
    let store = conjure::store::Store::in_memory().unwrap();
    let state = conjure::AppState::new(
        conjure::ari::AriClient::new(common::target_of(&up)).unwrap(),
        model::api::Mode::Asterisk,
        Some(conjure::Secret::from(ADMIN)),
        "/nonexistent".into(),
        store.clone(),
    );
    // As if Conjure died after pushing the auth: the claim is there, the endpoint is not.
    let user = model::provision::PhoneUser {
        extension: ext.clone(),
        name: "Half".into(),
        template: "desk-phone".into(),
        voicemail: String::new(),
        created_at: String::new(),
        created_by: "admin".into(),
    };
    assert!(store.begin_phone_user(&user).await.unwrap());
    let put = up
        .http()
        .put(format!("{}/ari/asterisk/config/dynamic/res_pjsip/auth/{ext}", up.base))
        .basic_auth(&up.user, Some(&up.password))
        .header("content-type", "application/json")
        .body(format!(r#"{{"fields":[{{"attribute":"username","value":"{ext}"}},{{"attribute":"password","value":"half-made-pw"}}]}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200, "{:?}", put.text().await);
    conjure::provision::recover(&state).await;
    assert_eq!(on_asterisk(&up, &format!("auth/{ext}")).await.0, 404);
    assert!(store.unfinished_phone_users().await.unwrap().is_empty());
}
