//! Nothing Conjure logs, at any level, carries a password: neither the ARI credentials nor an object's secret.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{ADMIN, As, send, target, target_of, upstream};
use common::{admin, anon};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn trace_logs_hold_no_secrets() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let up = upstream().await;
    let app = common::router(target_of(&up));
    let alice = up.id("alice");
    let body = r#"{"fields":[{"attribute":"username","value":"alice"},{"attribute":"password","value":"pw-in-a-body-1234"}]}"#;
    assert_eq!(
        admin(&app)
            .put(&format!("/api/objects/auth/{alice}"), body)
            .await
            .status,
        200
    );
    assert_eq!(
        anon(&app)
            .get(&format!(
                "/ari/asterisk/config/dynamic/res_pjsip/auth/{alice}?api_key=admin:{}",
                common::ADMIN
            ))
            .await
            .status,
        200
    );
    // Accounts: a sign-in, a wrong one, a new user with a generated password, a token.
    let login = serde_json::json!({"user": "admin", "password": ADMIN}).to_string();
    assert_eq!(
        send(&app, "POST", "/api/login", As::Nobody, Some(&login), &[])
            .await
            .status,
        200
    );
    let wrong_login = r#"{"user":"admin","password":"wrong-login-pw-77"}"#;
    assert_eq!(
        send(
            &app,
            "POST",
            "/api/login",
            As::Nobody,
            Some(wrong_login),
            &[]
        )
        .await
        .status,
        401
    );
    let user = admin(&app)
        .post("/api/users", r#"{"name":"u1","role":"viewer"}"#)
        .await;
    let generated = user.json()["password"].as_str().unwrap().to_string();
    let token = admin(&app)
        .post("/api/tokens", r#"{"name":"t1","role":"viewer"}"#)
        .await;
    let token = token.json()["value"].as_str().unwrap().to_string();
    assert_eq!(
        send(&app, "GET", "/api/session", As::Bearer(&token), None, &[])
            .await
            .status,
        200
    );
    // A phone user with a generated SIP password, by form and by import.
    let pu = admin(&app)
        .post(
            "/api/phone-users",
            &format!(r#"{{"extension":"{}","name":"Anna"}}"#, up.id("2041")),
        )
        .await;
    let sip_password = pu.json()["password"].as_str().unwrap().to_string();
    let imported = admin(&app)
        .post(
            "/api/imports",
            &format!(
                "extension,name,password\n{},Bo,import-pw-31337\n",
                up.id("2042")
            ),
        )
        .await;
    assert_eq!(imported.status, 202);
    let id = imported.json()["progress"]["id"].as_u64().unwrap();
    common::progress_until(&app, id, |_| false).await;
    // A failure path logs too (5xx): Asterisk refusing a wrong ARI password.
    let wrong = common::router(target(&up.base, &up.user, "wrong-ari-pw-5678"));
    assert_eq!(
        admin(&wrong)
            .get(&format!("/api/objects/auth/{alice}"))
            .await
            .status,
        502
    );

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("object saved")
            && logs.contains("wrong password")
            && logs.contains("token created"),
        "the test must see Conjure's logs: {logs}"
    );
    for secret in [
        "pw-in-a-body-1234",
        common::ADMIN,
        "wrong-ari-pw-5678",
        "YXN0ZXJpc2s6",
        "wrong-login-pw-77",
        &generated,
        &token,
        &sip_password,
        "import-pw-31337",
    ] {
        assert!(!logs.contains(secret), "'{secret}' is in the logs:\n{logs}");
    }
}

/// A request's log lines carry its id, which the answer names too, so a person can quote it and an
/// admin find every line of that request.
#[tokio::test(flavor = "current_thread")]
async fn every_log_line_of_a_request_carries_its_id() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let up = upstream().await;
    let app = common::router(target_of(&up));
    let r = admin(&app)
        .post("/api/users", r#"{"name":"rita","role":"viewer"}"#)
        .await;
    assert_eq!(r.status, 201);
    let id = r.headers["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("user added"))
        .unwrap_or_else(|| panic!("no log line: {text}"));
    assert!(line.contains(&id), "{line}");
    assert!(line.contains("path=\"/api/users\""), "{line}");
}
