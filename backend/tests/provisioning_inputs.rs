//! What clerks and admins type when provisioning: a template with a secret in it, the voicemail column
//! of a spreadsheet, and where phones are told to register.

mod common;

use common::admin;
use common::{
    ADMIN, app_with, client_from, harness, import_and_wait, on_asterisk, over_network, served,
};

fn mailboxes(endpoint: &str) -> String {
    let fields: Vec<serde_json::Value> = serde_json::from_str(endpoint).unwrap();
    fields
        .iter()
        .find(|f| f["attribute"] == "mailboxes")
        .map(|f| f["value"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_template_cannot_hold_a_secret_in_any_case() {
    let h = harness().await;
    for (object, attribute) in [
        ("auth", "PASSWORD"),
        ("auth", "Md5_Cred"),
        ("auth", "oauth_secret"),
        ("auth", "refresh_token"),
        ("auth", "password_digest"),
        ("endpoint", "SECRET"),
    ] {
        let body = serde_json::json!({
            "name": "leaky",
            "description": "",
            "fields": {
                "auth": if object == "auth" { serde_json::json!([{"attribute":"auth_type","value":"userpass"},{"attribute": attribute, "value": "hunter2"}]) } else { serde_json::json!([]) },
                "aor": [],
                "endpoint": if object == "endpoint" { serde_json::json!([{"attribute":"context","value":"x"},{"attribute": attribute, "value": "hunter2"}]) } else { serde_json::json!([]) },
            }
        });
        let r = admin(&h.app)
            .put("/api/templates/leaky", &body.to_string())
            .await;
        assert_eq!(r.status, 400, "{attribute}: {}", r.text);
        let message = r.json()["message"].as_str().unwrap().to_string();
        assert!(
            message.contains(&format!("{object}, line 2")) && message.contains("secret"),
            "{attribute}: {message}"
        );
    }
    let per_user = r#"{"name":"t","description":"","fields":{"auth":[],"aor":[],"endpoint":[{"attribute":"CallerID","value":"x"}]}}"#;
    let r = admin(&h.app).put("/api/templates/t", per_user).await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("per user"), "{}", r.text);
    let nul = r#"{"name":"t","description":"","fields":{"auth":[],"aor":[],"endpoint":[{"attribute":"context","value":"in\u0000ternal"}]}}"#;
    let r = admin(&h.app).put("/api/templates/t", nul).await;
    assert_eq!(r.status, 400, "{}", r.text);
    let list = admin(&h.app).get("/api/templates").await;
    assert!(!list.text.contains("hunter2") && !list.text.contains("leaky"));
}

#[tokio::test]
async fn the_voicemail_column_reads_yes_and_no_as_the_wizard_does() {
    let h = harness().await;
    let [a, b, c, d, e, f, g] =
        ["4301", "4302", "4303", "4304", "4305", "4306", "4310"].map(|x| h.up.id(x));
    let file = &format!(
        "extension;name;voicemail\n{a};Anna;yes\n{b};Bo;no\n{c};Cy;X\n{d};Di;4999@sales\n{e};Ed;\n{f};Fy;maybe\n"
    );
    let dry = admin(&h.app).post("/api/imports?dry_run=true", file).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let check = dry.json();
    assert_eq!(check["ready"], 5, "{check}");
    let errors = check["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{check}");
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_str()),
        (Some(7), Some("voicemail"))
    );
    assert!(
        errors[0]["message"].as_str().unwrap().contains("write yes"),
        "{check}"
    );

    import_and_wait(&h.app, file).await;
    for (ext, expected) in [
        (&a, format!("{a}@default")),
        (&b, String::new()),
        (&c, format!("{c}@default")),
        (&d, "4999@sales".into()),
        (&e, String::new()),
    ] {
        let (_, ep) = on_asterisk(&h.up, &format!("endpoint/{ext}")).await;
        assert_eq!(mailboxes(&ep), expected, "{ext}");
    }
    // The wizard's checkbox sends the same word.
    let r = admin(&h.app)
        .post(
            "/api/phone-users",
            &format!(r#"{{"extension":"{g}","name":"Gus","voicemail":"yes"}}"#),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["user"]["voicemail"], format!("{g}@default"));
}

#[tokio::test]
async fn phones_are_told_the_sip_server_that_was_set_and_never_a_guess() {
    let (app, up) = app_with("/nonexistent", |mut s| {
        s.domain.sip_server = Some("pbx.example.com:5070".into());
        s
    })
    .await;
    let r = admin(&app)
        .post(
            "/api/phone-users",
            &format!(r#"{{"extension":"{}","name":"Ida"}}"#, up.id("4401")),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let setup = r.json();
    assert_eq!(
        (setup["server"].as_str(), setup["transport"].as_str()),
        (Some("pbx.example.com:5070"), Some("UDP, port 5070"))
    );
    let r = admin(&app)
        .post(
            "/api/phone-users",
            &format!(
                r#"{{"extension":"{}","name":"Jo","template":"webrtc-softphone"}}"#,
                up.id("4402")
            ),
        )
        .await;
    assert_eq!(r.json()["transport"], "WSS (WebRTC), port 8089");

    // Over a real socket, unset: the answer says nothing rather than the ARI URL's 127.0.0.1.
    let (url, up2) = served(|s| s).await;
    let r = over_network(
        client_from("127.0.0.2")
            .post(format!("{url}/api/phone-users"))
            .basic_auth("admin", Some(ADMIN))
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"extension":"{}","name":"Kai"}}"#,
                up2.id("4403")
            )),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.json()["server"].is_null(), "{}", r.text);
    assert!(!r.text.contains("127.0.0.1"), "{}", r.text);
}
