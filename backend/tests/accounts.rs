//! Admins manage users and tokens: generated passwords and token values shown once, disabling, resets,
//! revocation, last use, and Conjure never left without an admin.

mod common;

use common::{As, call, harness, send};
use common::{admin, anon};

#[tokio::test]
async fn users_are_added_disabled_and_reset() {
    let h = harness().await;
    let add = |body: &str| {
        let (app, body) = (h.app.clone(), body.to_string());
        async move { admin(&app).post("/api/users", &body).await }
    };
    let r = add(r#"{"name":"anna","role":"operator"}"#).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let generated = r.json()["password"].as_str().unwrap().to_string();
    assert_eq!(generated.len(), 20);
    assert_eq!(
        send(
            &h.app,
            "GET",
            "/api/session",
            As::Basic("anna", &generated),
            None,
            &[]
        )
        .await
        .json()["role"],
        "operator"
    );

    let r = add(r#"{"name":"anna","role":"viewer","password":"another-password"}"#).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["field_index"].as_u64()),
        (409, Some(0))
    );
    let r = add(r#"{"name":"bob","role":"viewer","password":"short"}"#).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["field_index"].as_u64()),
        (400, Some(2))
    );
    let r = add(r#"{"name":"bad name","role":"viewer"}"#).await;
    assert_eq!(r.status, 400);
    let r = add(r#"{"name":"bob","role":"superuser"}"#).await;
    assert_eq!(r.status, 400, "unknown roles are refused: {}", r.text);

    let list = admin(&h.app).get("/api/users").await;
    assert!(
        !list.text.contains("argon2") && !list.text.contains(&generated),
        "{}",
        list.text
    );
    assert_eq!(list.json().as_array().unwrap().len(), 2);

    let r = admin(&h.app)
        .patch("/api/users/anna", r#"{"disabled":true}"#)
        .await;
    assert_eq!(r.json()["user"]["disabled"], true);
    let r = send(
        &h.app,
        "GET",
        "/api/session",
        As::Basic("anna", &generated),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.json()["message"].as_str().unwrap().contains("disabled"));

    let r = admin(&h.app)
        .patch(
            "/api/users/anna",
            r#"{"disabled":false,"reset_password":true}"#,
        )
        .await;
    let reset = r.json()["password"].as_str().unwrap().to_string();
    assert_ne!(reset, generated);
    assert_eq!(
        send(
            &h.app,
            "GET",
            "/api/session",
            As::Basic("anna", &generated),
            None,
            &[]
        )
        .await
        .status,
        401
    );
    assert_eq!(
        send(
            &h.app,
            "GET",
            "/api/session",
            As::Basic("anna", &reset),
            None,
            &[]
        )
        .await
        .status,
        200
    );

    // Never without an admin.
    let r = admin(&h.app)
        .patch("/api/users/admin", r#"{"role":"viewer"}"#)
        .await;
    assert_eq!(r.status, 409);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("only enabled admin")
    );
    let r = admin(&h.app)
        .patch("/api/users/admin", r#"{"disabled":true}"#)
        .await;
    assert_eq!(r.status, 409);
    admin(&h.app)
        .patch("/api/users/anna", r#"{"role":"admin"}"#)
        .await;
    let r = admin(&h.app)
        .patch("/api/users/admin", r#"{"role":"viewer"}"#)
        .await;
    assert_eq!(r.status, 200, "with a second admin: {}", r.text);
    assert_eq!(
        admin(&h.app).get("/api/users").await.status,
        403,
        "the role change applies at once"
    );
    assert_eq!(
        call(&h.app, "PATCH", "/api/users/ghost", Some(&reset), None)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn tokens_are_shown_once_used_and_revoked() {
    let h = harness().await;
    let r = admin(&h.app)
        .post(
            "/api/tokens",
            r#"{"name":"billing portal","role":"viewer"}"#,
        )
        .await;
    assert_eq!(r.status, 201);
    let value = r.json()["value"].as_str().unwrap().to_string();
    let id = r.json()["token"]["id"].as_i64().unwrap();
    assert!(value.starts_with("cj_") && value.len() > 40);
    assert_eq!(r.json()["token"]["last_used"], serde_json::Value::Null);
    let r = admin(&h.app)
        .post("/api/tokens", r#"{"name":"  ","role":"viewer"}"#)
        .await;
    assert_eq!(r.status, 400);

    let me = send(&h.app, "GET", "/api/session", As::Bearer(&value), None, &[]).await;
    assert_eq!(
        (me.json()["user"].as_str(), me.json()["via"].as_str()),
        (Some("billing portal"), Some("token"))
    );
    // ARI clients send Basic or api_key; a token in the password place works there too.
    let door = &format!(
        "/ari/asterisk/config/dynamic/res_pjsip/aor/{}",
        h.up.id("none")
    );
    assert_eq!(
        send(
            &h.app,
            "GET",
            door,
            As::Basic("anything", &value),
            None,
            &[]
        )
        .await
        .status,
        404
    );
    assert_eq!(
        anon(&h.app)
            .get(&format!("{door}?api_key=portal:{value}"))
            .await
            .status,
        404
    );
    // The last use is written in the background: read the list until it shows (each read waits for
    // the database, so this is no busy loop).
    let mut list = admin(&h.app).get("/api/tokens").await;
    for _ in 0..500 {
        if list.json()[0]["last_used"].is_string() {
            break;
        }
        tokio::task::yield_now().await;
        list = admin(&h.app).get("/api/tokens").await;
    }
    assert!(
        !list.text.contains(&value),
        "the value is never shown again"
    );
    let t = &list.json()[0];
    assert!(t["last_used"].is_string(), "{}", list.text);
    assert_eq!(t["created_by"], "admin");

    assert_eq!(
        admin(&h.app)
            .delete(&format!("/api/tokens/{id}"))
            .await
            .status,
        204
    );
    let r = send(&h.app, "GET", "/api/session", As::Bearer(&value), None, &[]).await;
    assert_eq!(r.status, 401);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("unknown or revoked")
    );
    assert_eq!(
        admin(&h.app).get("/api/tokens").await.json()[0]["revoked"],
        true
    );
    assert_eq!(admin(&h.app).delete("/api/tokens/999").await.status, 404);
}
