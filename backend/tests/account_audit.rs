//! What changes who may do what, and every hand-out of passwords, is in the audit log next to the PJSIP
//! changes; an import's results (with generated passwords) go only to who ran it or an admin.

mod common;

use common::admin;
use common::{ADMIN, As, harness, send};

async fn audit_of(app: &axum::Router, kind: &str) -> Vec<serde_json::Value> {
    let r = admin(app).get(&format!("/api/audit?type={kind}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json().as_array().unwrap().clone()
}

fn actions(entries: &[serde_json::Value]) -> Vec<(String, String)> {
    entries
        .iter()
        .rev()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn account_token_and_template_changes_are_audited_without_secrets() {
    let h = harness().await;
    let add = admin(&h.app)
        .post("/api/users", r#"{"name":"olga","role":"viewer"}"#)
        .await;
    assert_eq!(add.status, 201, "{}", add.text);
    let olga_pw = add.json()["password"].as_str().unwrap().to_string();
    for change in [
        r#"{"role":"operator"}"#,
        r#"{"disabled":true}"#,
        r#"{"disabled":false}"#,
        r#"{"reset_password":true}"#,
    ] {
        let r = admin(&h.app).patch("/api/users/olga", change).await;
        assert_eq!(r.status, 200, "{change}: {}", r.text);
    }
    let users = audit_of(&h.app, "user").await;
    assert_eq!(
        actions(&users),
        [
            ("add".into(), "olga".into()),
            ("change".into(), "olga".into()),
            ("change".into(), "olga".into()),
            ("change".into(), "olga".into()),
            ("reset-password".into(), "olga".into()),
        ]
    );
    let role = &users[3]["changes"][0];
    assert_eq!(
        (&role["attribute"], &role["before"], &role["after"]),
        (&"role".into(), &"viewer".into(), &"operator".into()),
        "{users:?}"
    );
    assert_eq!(users[2]["changes"][0]["after"], "disabled");
    assert!(users.iter().all(|e| e["actor"] == "admin"));

    let token = admin(&h.app)
        .post("/api/tokens", r#"{"name":"billing","role":"operator"}"#)
        .await
        .json();
    let value = token["value"].as_str().unwrap().to_string();
    let id = token["token"]["id"].as_i64().unwrap();
    let r = admin(&h.app).delete(&format!("/api/tokens/{id}")).await;
    assert_eq!(r.status, 204);
    assert_eq!(
        actions(&audit_of(&h.app, "token").await),
        [
            ("create".into(), "billing".into()),
            ("revoke".into(), "billing".into())
        ]
    );

    let template = r#"{"name":"lobby","description":"Lobby phones","fields":{"auth":[],"aor":[{"attribute":"max_contacts","value":"1"}],"endpoint":[{"attribute":"context","value":"lobby"},{"attribute":"allow","value":"ulaw"}]}}"#;
    let r = admin(&h.app).put("/api/templates/lobby", template).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin(&h.app).delete("/api/templates/lobby").await;
    assert_eq!(r.status, 204, "{}", r.text);
    let templates = audit_of(&h.app, "template").await;
    assert_eq!(
        actions(&templates),
        [
            ("save".into(), "lobby".into()),
            ("delete".into(), "lobby".into())
        ]
    );
    assert!(
        templates[1]["changes"]
            .to_string()
            .contains("context = lobby")
    );

    let all = admin(&h.app).get("/api/audit.csv").await.text;
    for secret in [&olga_pw, &value] {
        assert!(!all.contains(secret.as_str()), "a secret reached the audit");
    }
}

#[tokio::test]
async fn handing_out_passwords_is_audited_and_import_results_are_their_owners() {
    let h = harness().await;
    for (name, role) in [("olga", "operator"), ("otto", "operator")] {
        let r = admin(&h.app)
            .post(
                "/api/users",
                &format!(r#"{{"name":"{name}","role":"{role}","password":"{name}-password-1"}}"#),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let olga = As::Basic("olga", "olga-password-1");
    let otto = As::Basic("otto", "otto-password-1");
    let lena = h.up.id("4101");
    let file = format!("extension,name\n{lena},Lena\n{},Lars\n", h.up.id("4102"));
    let started = send(&h.app, "POST", "/api/imports", olga, Some(&file), &[]).await;
    assert_eq!(started.status, 202, "{}", started.text);
    let id = started.json()["progress"]["id"].as_u64().unwrap();
    let events = send(
        &h.app,
        "GET",
        &format!("/api/imports/{id}/events"),
        olga,
        None,
        &[],
    )
    .await;
    assert!(
        events.text.contains(r#""finished":true"#),
        "{}",
        events.text
    );

    let path = format!("/api/imports/{id}/results.csv");
    let refused = send(&h.app, "GET", &path, otto, None, &[]).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.text.contains("olga"), "{}", refused.text);
    for who in [olga, As::Basic("admin", ADMIN)] {
        let r = send(&h.app, "GET", &path, who, None, &[]).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains(&lena));
    }
    let downloads = audit_of(&h.app, "import").await;
    let by: Vec<&str> = downloads
        .iter()
        .rev()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["olga", "admin"], "{downloads:?}");
    assert!(downloads.iter().all(|e| e["action"] == "download"));

    let export = admin(&h.app)
        .get("/api/phone-users.csv?passwords=true")
        .await;
    assert_eq!(export.status, 200);
    let exports = audit_of(&h.app, "phone-users").await;
    assert_eq!(actions(&exports), [("export".into(), "passwords".into())]);
    assert!(
        exports[0]["message"]
            .as_str()
            .unwrap()
            .contains("2 phone users")
    );
    // Without passwords, an export is not an event.
    admin(&h.app).get("/api/phone-users.csv").await;
    assert_eq!(audit_of(&h.app, "phone-users").await.len(), 1);
}
