//! Accounts as a new installation meets them, in Chromium: the admin signs in, adds an operator and a
//! viewer, creates a token; each person signs in and finds only what their role allows, in the page and
//! at the API; wrong passwords are refused and then throttled with a clear message.

use e2e::page::{click, css, text_of, type_into, wait_for_text};
use e2e::{ADMIN, artifacts, browser, sign_in, stack};
use fantoccini::{Client, Locator};
use model::api::Mode;

async fn add_user(c: &Client, name: &str, role: &str, password: &str) -> String {
    type_into(c, "new-user-name", name).await;
    c.find(Locator::Css(&css("new-user-role")))
        .await
        .unwrap()
        .select_by_value(role)
        .await
        .unwrap();
    if !password.is_empty() {
        type_into(c, "new-user-password", password).await;
    }
    click(c, "add-user").await;
    wait_for_text(c, &format!("user-{name}"), role).await
}

async fn sign_out(c: &Client) {
    click(c, "sign-out").await;
    c.wait()
        .for_element(Locator::Css(&css("login-form")))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_and_does_only_what_it_may() {
    let stack = stack(Mode::Asterisk).await;
    let driver = browser().await;
    let c = &driver.client;
    let base = &stack.conjure;
    let (script, desk) = (stack.up.id("from-script"), stack.up.id("olga-desk"));

    // A wrong password first: a clear message, and the page stays the sign-in page.
    c.goto(&format!("{base}/objects/auth/alice")).await.unwrap();
    type_into(c, "login-user", "admin").await;
    type_into(c, "login-password", "not-it").await;
    click(c, "login-submit").await;
    wait_for_text(c, "error", "user name or the password is wrong").await;

    sign_in(c, base, "admin", ADMIN).await;
    c.goto(&format!("{base}/users")).await.unwrap();
    add_user(c, "olga", "operator", "olga-password-1").await;
    add_user(c, "victor", "viewer", "").await;
    let generated = text_of(c, "shown-once").await;
    assert_eq!(
        generated.len(),
        20,
        "a generated password is shown once: {generated}"
    );
    std::fs::write(artifacts().join("users.png"), c.screenshot().await.unwrap()).unwrap();

    c.goto(&format!("{base}/tokens")).await.unwrap();
    type_into(c, "new-token-name", "billing portal").await;
    click(c, "add-token").await;
    let token = text_of(c, "shown-once").await;
    assert!(token.starts_with("cj_"), "{token}");
    let door = format!("{base}/ari/asterisk/config/dynamic/res_pjsip/aor/{script}");
    let http = reqwest::Client::new();
    let r = http
        .put(&door)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"max_contacts","value":"2"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "an operator token writes through the ARI door"
    );
    c.refresh().await.unwrap();
    let row = wait_for_text(c, "token-billing portal", "operator").await;
    assert!(!row.contains("never"), "the last use is shown: {row}");
    sign_out(c).await;

    // The viewer: no admin pages in the navigation, no save or delete, and the API refuses changes.
    sign_in(c, base, "victor", &generated).await;
    assert!(c.find(Locator::LinkText("Users")).await.is_err());
    c.goto(&format!("{base}/objects/aor/{script}"))
        .await
        .unwrap();
    text_of(c, "read-only").await;
    assert!(c.find(Locator::Css(&css("delete"))).await.is_err());
    assert!(c.find(Locator::Css(&css("save"))).await.is_err());
    c.goto(&format!("{base}/users")).await.unwrap();
    wait_for_text(c, "error", "a viewer cannot manage users").await;
    std::fs::write(
        artifacts().join("viewer.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    let r = http
        .delete(&door)
        .basic_auth("victor", Some(&generated))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    sign_out(c).await;

    // The operator: can change objects, cannot manage users.
    sign_in(c, base, "olga", "olga-password-1").await;
    assert!(c.find(Locator::LinkText("Users")).await.is_err());
    c.goto(&format!("{base}/objects/aor/{desk}")).await.unwrap();
    click(c, "create").await;
    type_into(c, "value-qualify_frequency", "60").await;
    click(c, "save").await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    c.goto(&format!("{base}/account")).await.unwrap();
    type_into(c, "pw-current", "olga-password-1").await;
    type_into(c, "pw-new", "olga-password-2").await;
    // A slip in the second box is caught before anything is sent.
    type_into(c, "pw-again", "olga-password-3").await;
    click(c, "pw-submit").await;
    wait_for_text(c, "error", "differ").await;
    type_into(c, "pw-again", "olga-password-2").await;
    click(c, "pw-submit").await;
    text_of(c, "pw-changed").await;
    sign_out(c).await;

    // The audit names each person.
    sign_in(c, base, "admin", ADMIN).await;
    c.goto(&format!("{base}/audit")).await.unwrap();
    let log = wait_for_text(c, "audit", "olga").await;
    assert!(log.contains("token:billing portal"), "{log}");

    // Revoking the token and disabling victor each ask first, naming who is cut off.
    c.goto(&format!("{base}/tokens")).await.unwrap();
    c.wait()
        .for_element(Locator::Css(&format!(
            "{} {}",
            css("token-billing portal"),
            css("revoke")
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let question = wait_for_text(c, "ask-text", "token billing portal is refused").await;
    assert!(question.contains("cannot be used again"), "{question}");
    click(c, "ask-yes").await;
    wait_for_text(c, "token-billing portal", "revoked").await;
    let r = http.get(&door).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 401, "a revoked token is refused");
    c.goto(&format!("{base}/users")).await.unwrap();
    c.wait()
        .for_element(Locator::Css(&format!(
            "{} {}",
            css("user-victor"),
            css("disable")
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "ask-text", "victor is signed out at once").await;
    click(c, "ask-yes").await;
    wait_for_text(c, "user-victor", "disabled").await;

    // Twenty wrong passwords in a row: refused, then throttled, in words.
    sign_out(c).await;
    let mut last = String::new();
    for _ in 0..20 {
        let r = http
            .post(format!("{base}/api/login"))
            .json(&serde_json::json!({"user": "olga", "password": "guess"}))
            .send()
            .await
            .unwrap();
        last = r.text().await.unwrap();
    }
    assert!(last.contains("Too many wrong passwords"), "{last}");
    type_into(c, "login-user", "olga").await;
    type_into(c, "login-password", "olga-password-2").await;
    click(c, "login-submit").await;
    wait_for_text(c, "error", "Wait").await;
    driver.client.clone().close().await.unwrap();
}

/// A page on another origin posts forms to Conjure while the admin is signed in: the browser sends the
/// session cookie (both are on 127.0.0.1, the same site), but without the panel's CSRF header nothing
/// changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_forms_change_nothing() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let page = r#"<!doctype html><html><body>
        <form id="f" method="post" enctype="text/plain"><input name='{"name":"evil","role":"admin","password":"evil-password-1","x":"' value='"}'></form>
        <script>const f = document.getElementById('f'); f.action = new URLSearchParams(location.search).get('to'); f.submit();</script>
        </body></html>"#;
    let evil = e2e::portal(page.to_string()).await;
    for target in ["/api/users", "/api/tokens", "/api/login"] {
        c.goto(&format!("{evil}/?to={}{target}", stack.conjure))
            .await
            .unwrap();
        let mut body = String::new();
        for _ in 0..50 {
            body = c
                .find(Locator::Css("body"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap_or_default();
            if body.contains("message") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            body.contains("did not come from Conjure's own page")
                || body.contains("Send the request as JSON"),
            "{target}: {body}"
        );
    }
    let users = reqwest::Client::new()
        .get(format!("{}/api/users", stack.conjure))
        .basic_auth("admin", Some(ADMIN))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!users.contains("evil"), "{users}");
    driver.client.clone().close().await.unwrap();
}
