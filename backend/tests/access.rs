//! The whole matrix: every route × every role (by password and by token) × the status it must get.
//! Nobody gets 401, a role below the route's gets 403, and the others get the route's own answer.

mod common;

use common::admin;
use common::{ADMIN, As, call, harness, send};
use model::account::Role;

const AUTH: &str = r#"{"fields":[{"attribute":"username","value":"m"},{"attribute":"password","value":"matrix-pw-1"}]}"#;
const AOR: &str = r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#;
const DOOR: &str = "/ari/asterisk/config/dynamic/res_pjsip/auth";

/// (method, path, body, least role, status for those allowed). `{r}` is replaced by a tag unique to the
/// caller, so routes that create things do not collide; `{m}` by the id of an auth made first.
fn routes() -> Vec<(&'static str, String, Option<String>, Role, u16)> {
    let b = |s: &str| Some(s.to_string());
    vec![
        ("GET", "/api/status".into(), None, Role::Viewer, 200),
        ("GET", "/api/session".into(), None, Role::Viewer, 200),
        (
            "GET",
            "/api/objects/auth/{m}".into(),
            None,
            Role::Viewer,
            200,
        ),
        (
            "PUT",
            "/api/objects/auth/m-{r}".into(),
            b(AUTH),
            Role::Operator,
            200,
        ),
        (
            "PUT",
            "/api/objects/aor/m-{r}".into(),
            b(AOR),
            Role::Operator,
            200,
        ),
        (
            "PUT",
            "/api/objects/aor/m-{r}?replace=true".into(),
            b(AOR),
            Role::Operator,
            200,
        ),
        (
            "DELETE",
            "/api/objects/auth/m-{r}".into(),
            None,
            Role::Operator,
            204,
        ),
        (
            "PUT",
            "/api/objects/auth/{m}/target".into(),
            b(r#"{"target":[]}"#),
            Role::Operator,
            200,
        ),
        ("GET", "/api/inventory".into(), None, Role::Viewer, 200),
        ("GET", "/api/inventory/auth".into(), None, Role::Viewer, 200),
        (
            "POST",
            "/api/inventory/auth/{m}/adopt".into(),
            None,
            Role::Operator,
            204,
        ),
        ("GET", "/api/audit".into(), None, Role::Viewer, 200),
        ("GET", "/api/drift".into(), None, Role::Viewer, 200),
        (
            "POST",
            "/api/drift".into(),
            b(r#"{"action":"forget","items":[]}"#),
            Role::Operator,
            200,
        ),
        ("GET", "/api/audit.csv".into(), None, Role::Viewer, 200),
        ("GET", "/api/servers".into(), None, Role::Viewer, 200),
        ("GET", "/api/fleet".into(), None, Role::Viewer, 200),
        // The fleet's own answers: a name it refuses, servers and changes that do not exist.
        (
            "POST",
            "/api/servers".into(),
            b(
                r#"{"name":"Bad Name","ari_url":"http://127.0.0.1:9","ari_user":"u","ari_password":"p"}"#,
            ),
            Role::Admin,
            400,
        ),
        (
            "PATCH",
            "/api/servers/none-{r}".into(),
            b(r#"{"enabled":false}"#),
            Role::Admin,
            404,
        ),
        (
            "DELETE",
            "/api/servers/none-{r}".into(),
            None,
            Role::Admin,
            404,
        ),
        (
            "POST",
            "/api/fleet/pending/999999/retry".into(),
            None,
            Role::Operator,
            404,
        ),
        (
            "DELETE",
            "/api/fleet/pending/999999".into(),
            None,
            Role::Operator,
            404,
        ),
        (
            "POST",
            "/api/fleet/split/none/retry".into(),
            None,
            Role::Operator,
            404,
        ),
        (
            "POST",
            "/api/fleet/split/none/undo".into(),
            None,
            Role::Operator,
            404,
        ),
        ("GET", "/api/users".into(), None, Role::Admin, 200),
        (
            "POST",
            "/api/users".into(),
            b(r#"{"name":"new-{r}","role":"viewer"}"#),
            Role::Admin,
            201,
        ),
        (
            "PATCH",
            "/api/users/new-{r}".into(),
            b(r#"{"disabled":true}"#),
            Role::Admin,
            200,
        ),
        ("GET", "/api/tokens".into(), None, Role::Admin, 200),
        (
            "POST",
            "/api/tokens".into(),
            b(r#"{"name":"t-{r}","role":"viewer"}"#),
            Role::Admin,
            201,
        ),
        ("DELETE", "/api/tokens/1".into(), None, Role::Admin, 204),
        // Allowed to every signed-in user; a wrong current password is the route's own answer.
        (
            "POST",
            "/api/password".into(),
            b(r#"{"current":"wrong-wrong","new":"0123456789ab"}"#),
            Role::Viewer,
            400,
        ),
        ("POST", "/api/logout".into(), None, Role::Viewer, 204),
        ("GET", "/api/phone-users".into(), None, Role::Viewer, 200),
        (
            "POST",
            "/api/phone-users".into(),
            b(r#"{"extension":"p-{r}","name":"P"}"#),
            Role::Provisioner,
            201,
        ),
        (
            "PATCH",
            "/api/phone-users/p-{r}".into(),
            b(r#"{"name":"Q"}"#),
            Role::Provisioner,
            200,
        ),
        (
            "GET",
            "/api/phone-users.csv".into(),
            None,
            Role::Viewer,
            200,
        ),
        (
            "GET",
            "/api/phone-users.csv?passwords=true".into(),
            None,
            Role::Admin,
            200,
        ),
        (
            "DELETE",
            "/api/phone-users/p-{r}".into(),
            None,
            Role::Provisioner,
            204,
        ),
        (
            "POST",
            "/api/imports?dry_run=true".into(),
            b("extension,name\ni-{r},I\n"),
            Role::Provisioner,
            200,
        ),
        ("GET", "/api/templates".into(), None, Role::Viewer, 200),
        ("GET", "/api/next-extension".into(), None, Role::Viewer, 200),
        (
            "GET",
            "/api/endpoint-states".into(),
            None,
            Role::Viewer,
            200,
        ),
        (
            "PUT",
            "/api/templates/t-{r}".into(),
            b(r#"{"name":"","description":"d","fields":{"auth":[],"aor":[],"endpoint":[]}}"#),
            Role::Admin,
            200,
        ),
        (
            "DELETE",
            "/api/templates/t-{r}".into(),
            None,
            Role::Admin,
            204,
        ),
        ("GET", format!("{DOOR}/{{m}}"), None, Role::Viewer, 200),
        ("OPTIONS", format!("{DOOR}/{{m}}"), None, Role::Viewer, 204),
        (
            "GET",
            format!("/servers/default{DOOR}/{{m}}"),
            None,
            Role::Viewer,
            200,
        ),
        (
            "PUT",
            format!("/servers/default{DOOR}/s-{{r}}"),
            b(AUTH),
            Role::Operator,
            200,
        ),
        (
            "PUT",
            format!("{DOOR}/d-{{r}}"),
            b(AUTH),
            Role::Operator,
            200,
        ),
        (
            "DELETE",
            format!("{DOOR}/d-{{r}}"),
            None,
            Role::Operator,
            204,
        ),
    ]
}

#[tokio::test]
async fn every_route_for_every_role() {
    let h = harness().await;
    let m = h.up.id("m");
    let run = h.up.id("r");
    let admin = Some(ADMIN);
    assert_eq!(
        call(
            &h.app,
            "PUT",
            &format!("/api/objects/auth/{m}"),
            admin,
            Some(AUTH)
        )
        .await
        .status,
        200
    );
    // Token 1, for the admin callers to revoke.
    call(
        &h.app,
        "POST",
        "/api/tokens",
        admin,
        Some(r#"{"name":"to-revoke","role":"viewer"}"#),
    )
    .await;
    let mut tokens = Vec::new();
    for (name, role) in [
        ("vera", "viewer"),
        ("otto", "operator"),
        ("ada", "admin"),
        ("pia", "provisioner"),
    ] {
        let body = format!(r#"{{"name":"{name}","role":"{role}","password":"{name}-password-1"}}"#);
        assert_eq!(
            call(&h.app, "POST", "/api/users", admin, Some(&body))
                .await
                .status,
            201
        );
        let body = format!(r#"{{"name":"{name}-script","role":"{role}"}}"#);
        let t = call(&h.app, "POST", "/api/tokens", admin, Some(&body)).await;
        tokens.push(t.json()["value"].as_str().unwrap().to_string());
    }
    let passwords: Vec<String> = ["vera", "otto", "ada", "pia"]
        .iter()
        .map(|n| format!("{n}-password-1"))
        .collect();
    let callers: Vec<(String, Option<Role>, As)> = vec![
        ("nobody".into(), None, As::Nobody),
        (
            "vera (password)".into(),
            Some(Role::Viewer),
            As::Basic("vera", &passwords[0]),
        ),
        (
            "vera-script (token)".into(),
            Some(Role::Viewer),
            As::Bearer(&tokens[0]),
        ),
        (
            "pia (password)".into(),
            Some(Role::Provisioner),
            As::Basic("pia", &passwords[3]),
        ),
        (
            "pia-script (token)".into(),
            Some(Role::Provisioner),
            As::Bearer(&tokens[3]),
        ),
        (
            "otto (password)".into(),
            Some(Role::Operator),
            As::Basic("otto", &passwords[1]),
        ),
        (
            "otto-script (token)".into(),
            Some(Role::Operator),
            As::Bearer(&tokens[1]),
        ),
        (
            "ada-script (token)".into(),
            Some(Role::Admin),
            As::Bearer(&tokens[2]),
        ),
        (
            "ada (password)".into(),
            Some(Role::Admin),
            As::Basic("ada", &passwords[2]),
        ),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, (caller, role, who)) in callers.iter().enumerate() {
        for (method, path, body, least, ok) in routes() {
            let tag = format!("{run}c{i}");
            for made in ["m", "d", "p"] {
                h.up.track(&format!("{made}-{tag}"));
            }
            let path = path.replace("{r}", &tag).replace("{m}", &m);
            let body = body.map(|b| b.replace("{r}", &tag));
            let expected = match role {
                None => 401,
                Some(r) if *r < least => 403,
                Some(_) => ok,
            };
            // A token has no password to change.
            let expected = if path == "/api/password" && caller.contains("token") {
                403
            } else {
                expected
            };
            let r = send(&h.app, method, &path, *who, body.as_deref(), &[]).await;
            checked += 1;
            if r.status.as_u16() != expected {
                failures.push(format!(
                    "{caller:>20} {method:>7} {path}: {} (expected {expected}) {}",
                    r.status.as_u16(),
                    r.text
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, 9 * routes().len());
}

#[tokio::test]
async fn a_viewer_never_sees_a_secret() {
    let h = harness().await;
    let s = h.up.id("s");
    admin(&h.app)
        .post(
            "/api/users",
            r#"{"name":"vera","role":"viewer","password":"vera-password-1"}"#,
        )
        .await;
    assert_eq!(
        admin(&h.app)
            .put(&format!("/api/objects/auth/{s}"), AUTH)
            .await
            .status,
        200
    );
    for path in [
        &format!("/api/objects/auth/{s}"),
        "/api/inventory/auth",
        "/api/audit",
        "/api/audit.csv",
        &format!("{DOOR}/{s}"),
    ] {
        let r = send(
            &h.app,
            "GET",
            path,
            As::Basic("vera", "vera-password-1"),
            None,
            &[],
        )
        .await;
        assert_eq!(r.status, 200, "{path}");
        assert!(!r.text.contains("matrix-pw-1"), "{path}: {}", r.text);
    }
}
