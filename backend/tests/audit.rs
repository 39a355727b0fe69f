//! The audit log: every change that reached Asterisk, who made it, the field-level diff, Asterisk's answer;
//! never a secret value, in the answers, the CSV, or the database file.

mod common;

use common::admin;
use common::{ADMIN, As, harness, send};

#[tokio::test]
async fn changes_are_audited_with_diffs_and_without_secrets() {
    let h = harness().await;
    let alice = h.up.id("alice");
    let i1 = h.up.id("i1");
    let create = r#"{"fields":[{"attribute":"username","value":"alice"},{"attribute":"password","value":"audit-pw-1"}]}"#;
    assert_eq!(
        admin(&h.app)
            .put(&format!("/api/objects/auth/{alice}"), create)
            .await
            .status,
        200
    );
    let update = r#"{"fields":[{"attribute":"realm","value":"r1"},{"attribute":"password","value":"audit-pw-2"}]}"#;
    let door = &format!("/ari/asterisk/config/dynamic/res_pjsip/auth/{alice}");
    // A script with an operator token: the audit names the token.
    let t = admin(&h.app)
        .post("/api/tokens", r#"{"name":"provisioner","role":"operator"}"#)
        .await;
    assert_eq!(t.status, 201, "{}", t.text);
    let token = t.json()["value"].as_str().unwrap().to_string();
    assert_eq!(
        send(&h.app, "PUT", door, As::Bearer(&token), Some(update), &[])
            .await
            .status,
        200
    );
    // Refused by Asterisk (a name it cannot resolve): audited with its answer.
    let bad = r#"{"fields":[{"attribute":"endpoint","value":"x"},{"attribute":"match","value":"nonexistent.invalid"}]}"#;
    assert_eq!(
        admin(&h.app)
            .put(&format!("/api/objects/identify/{i1}"), bad)
            .await
            .status,
        400
    );
    assert_eq!(
        admin(&h.app)
            .delete(&format!("/api/objects/auth/{alice}"))
            .await
            .status,
        204
    );

    let r = admin(&h.app).get("/api/audit").await;
    let log = r.json();
    // The PJSIP changes; creating the token is audited too, as an account change.
    let log: Vec<&serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] != "token")
        .collect();
    assert_eq!(log.len(), 4, "{}", r.text);
    let actions: Vec<_> = log
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("delete", "admin", 204),
            ("put", "admin", 400),
            ("put", "token:provisioner", 200),
            ("put", "admin", 200)
        ]
    );
    let update = &log[2]["changes"];
    assert_eq!(
        update[0],
        serde_json::json!({"attribute": "realm", "before": "", "after": "r1"})
    );
    assert_eq!(
        update[1],
        serde_json::json!({"attribute": "password", "before": "(hidden)", "after": "(changed)"})
    );
    assert_eq!(
        log[1]["message"],
        format!("Creation of object '{i1}' failed field value validation")
    );
    assert!(log[0]["server"].as_str().unwrap().starts_with(&h.up.base));

    let filtered = admin(&h.app)
        .get("/api/audit?actor=token:provisioner")
        .await
        .json();
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    let filtered = admin(&h.app)
        .get(&format!("/api/audit?type=identify&id={i1}"))
        .await
        .json();
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    let csv = admin(&h.app).get("/api/audit.csv").await;
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    // The header, the four PJSIP changes and the token's creation.
    assert_eq!(csv.text.lines().count(), 6, "{}", csv.text);
    assert!(
        csv.text.starts_with("\"seq\",\"at\",\"actor\""),
        "{}",
        csv.text
    );
    assert!(
        csv.text
            .contains("realm:  -> r1; password: (hidden) -> (changed)")
    );
    for text in [&r.text, &csv.text] {
        assert!(
            !text.contains("audit-pw") && !text.contains(&token),
            "a secret reached the audit: {text}"
        );
    }
}

#[tokio::test]
async fn no_secret_reaches_the_database_file() {
    let up = common::upstream().await;
    let dir = std::env::temp_dir().join(format!("conjure-audit-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = conjure::store::Store::open(&dir).unwrap();
    let app = conjure::app(conjure::AppState::new(
        conjure::ari::AriClient::new(common::target_of(&up)).unwrap(),
        model::api::Mode::Asterisk,
        Some(conjure::Secret::from(ADMIN)),
        "/nonexistent".into(),
        store,
    ));
    let u = up.id("u");
    let body = r#"{"fields":[{"attribute":"username","value":"u"},{"attribute":"password","value":"file-secret-42"},{"attribute":"md5_cred","value":""}]}"#;
    assert_eq!(
        admin(&app)
            .put(&format!("/api/objects/auth/{u}"), body)
            .await
            .status,
        200
    );
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(
        !bytes.windows(14).any(|w| w == b"file-secret-42"),
        "the password is in Conjure's database files"
    );
    assert!(
        !bytes.windows(ADMIN.len()).any(|w| w == ADMIN.as_bytes()),
        "the admin's password is in Conjure's database files (only its argon2 hash may be)"
    );
    assert!(bytes.windows(10).any(|w| w == b"$argon2id$"));
    assert!(
        bytes.windows(8).any(|w| w == b"username"),
        "the test must see the stored object"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
