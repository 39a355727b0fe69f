//! The servers page in Chromium, against the real backend: reached from the sidebar, an admin adds a
//! second Asterisk through its form (checked before it is stored), sees a change wait for it while it
//! is down and leave the list once it is back (the page follows the fleet's long poll, no reload), and
//! removes it after a confirmation that says what stays behind.

use asterisk_sim::Sim;
use e2e::page::{click, text_of, type_into, wait_for_text};
use e2e::stack_watched;
use fantoccini::Locator;
use model::api::Mode;
use testbed::Upstream;

/// An auth with a password, made through Conjure's API as a script would.
async fn put_auth(stack: &e2e::Stack, id: &str, password: &str) {
    let body = serde_json::json!({"fields": [{"attribute": "username", "value": "u"},
                                             {"attribute": "password", "value": password}]});
    stack
        .as_admin(
            reqwest::Method::PUT,
            &format!("/api/objects/auth/{id}"),
            body,
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_server_watches_a_change_wait_for_it_and_removes_it() {
    let stack = stack_watched(Mode::Asterisk).await;
    let b = Upstream::simulated(Sim::default()).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.find(Locator::LinkText("Servers"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "server-default", &stack.up.base).await;
    // An object with a secret exists already: the new server gets it only once the admin says so.
    put_auth(&stack, &stack.up.id("fleet-sealed"), "sealed-pw-1").await;

    // A wrong password is said in words, and nothing is added.
    type_into(c, "fleet-name", "site-b").await;
    type_into(c, "fleet-url", &b.base).await;
    type_into(c, "fleet-user", &b.user).await;
    type_into(c, "fleet-password", "wrong").await;
    click(c, "fleet-submit").await;
    wait_for_text(c, "fleet-added", "refused the ARI user").await;
    type_into(c, "fleet-password", &b.password).await;
    type_into(c, "fleet-groups", "site-b, pair").await;
    click(c, "fleet-submit").await;
    let question = text_of(c, "ask-text").await;
    assert!(
        question.contains("1 objects that go to 'site-b' hold secrets"),
        "{question}"
    );
    click(c, "ask-yes").await;
    wait_for_text(c, "fleet-added", "site-b added").await;
    let row = wait_for_text(c, "server-site-b", "site-b, pair").await;
    assert!(row.contains(&b.base), "{row}");

    // An object moved onto site-b alone: the page asks first, naming the server it leaves.
    let moving = stack.up.id("fleet-move");
    put_auth(&stack, &moving, "move-pw-1").await;
    type_into(c, "move-type", "auth").await;
    type_into(c, "move-id", &moving).await;
    click(c, "move-look").await;
    wait_for_text(c, "move-now", "It goes to every server").await;
    type_into(c, "move-target", "server:site-b").await;
    click(c, "move-submit").await;
    let question = text_of(c, "ask-text").await;
    assert!(
        question.contains("off default deletes it there"),
        "{question}"
    );
    click(c, "ask-yes").await;
    wait_for_text(c, "move-now", "Now it goes to server:site-b").await;
    assert_eq!(stack.on_asterisk(&format!("auth/{moving}")).await.0, 404);
    // And back to every server: nothing is left, so nothing is asked.
    type_into(c, "move-target", "").await;
    click(c, "move-submit").await;
    wait_for_text(c, "move-now", "Now it goes to every server").await;
    assert_eq!(stack.on_asterisk(&format!("auth/{moving}")).await.0, 200);

    // Down: a change made meanwhile is listed as waiting for it, then goes once it is back.
    b.sim().unwrap().stop();
    let id = stack.up.id("fleet-page");
    let r = reqwest::Client::new()
        .put(format!("{}/api/objects/auth/{id}", stack.conjure))
        .basic_auth("admin", Some(e2e::ADMIN))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"username","value":"p"},{"attribute":"password","value":"page-pw-1"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    wait_for_text(c, "server-site-b", "DOWN").await;
    let pending = c
        .wait()
        .for_element(Locator::Css("[data-testid^='pending-']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        pending.contains(&format!("save auth {id}")) && pending.contains("site-b"),
        "{pending}"
    );
    std::fs::write(
        e2e::artifacts().join("fleet.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    b.sim().unwrap().start();
    c.wait()
        .for_element(Locator::Css("[data-testid='fleet-none']"))
        .await
        .unwrap();
    let held = reqwest::Client::new()
        .get(format!(
            "{}/ari/asterisk/config/dynamic/res_pjsip/auth/{id}",
            b.base
        ))
        .basic_auth(&b.user, Some(&b.password))
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 200);

    click(c, "remove-site-b").await;
    let question = text_of(c, "ask-text").await;
    assert!(
        question.contains("What Conjure put there stays on it"),
        "{question}"
    );
    click(c, "ask-yes").await;
    wait_for_text(c, "fleet-status", "no longer keeps 'site-b' in step").await;
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}

/// A save one server refused is listed with "Undo where applied"; the undo asks first, and the object
/// the save made is gone again from the server that took it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_one_server_refused_is_undone_from_the_page() {
    use asterisk_sim::Backend;
    let stack = stack_watched(Mode::Asterisk).await;
    let b = Upstream::simulated(Sim::default().with_backends([("aor", Backend::Config)])).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/api/servers", stack.conjure))
        .basic_auth("admin", Some(e2e::ADMIN))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"name":"b","ari_url":"{}","ari_user":"{}","ari_password":"{}"}}"#,
            b.base, b.user, b.password
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = stack.up.id("split-page");
    let saved: serde_json::Value = http
        .put(format!("{}/api/objects/aor/{id}", stack.conjure))
        .basic_auth("admin", Some(e2e::ADMIN))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = saved["split"].as_str().unwrap().to_string();
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/fleet", stack.conjure)).await.unwrap();
    let row = wait_for_text(c, &format!("split-{token}"), &id).await;
    assert!(
        row.contains("made aor") && row.contains("default") && row.contains('b'),
        "{row}"
    );
    click(c, &format!("split-undo-{token}")).await;
    let question = text_of(c, "ask-text").await;
    assert!(
        question.contains(&format!("delete aor {id} from default")),
        "{question}"
    );
    click(c, "ask-yes").await;
    wait_for_text(c, "fleet-status", "Undone: default: applied").await;
    c.wait()
        .for_element(Locator::Css("[data-testid='split-none']"))
        .await
        .unwrap();
    assert_eq!(stack.on_asterisk(&format!("aor/{id}")).await.0, 404);
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}

/// A change that a server refused when it came back waits with a Retry button. Retry sends it to that
/// server again (the simulator counts the request), and the row, refused again, shows one more attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_waiting_change_is_sent_again_from_the_page() {
    use asterisk_sim::Backend;
    use reqwest::Method;
    use serde_json::{Value, json};
    let stack = stack_watched(Mode::Asterisk).await;
    // b keeps aors in its configuration files (sorcery.conf), so it refuses to be sent one.
    let b = Upstream::simulated(Sim::default().with_backends([("aor", Backend::Config)])).await;
    let server =
        json!({"name": "b", "ari_url": b.base, "ari_user": b.user, "ari_password": b.password});
    stack.as_admin(Method::POST, "/api/servers", server).await;
    b.sim().unwrap().stop();
    let id = stack.up.id("retry-page");
    let aor = json!({"fields": [{"attribute": "max_contacts", "value": "1"}]});
    stack
        .as_admin(Method::PUT, &format!("/api/objects/aor/{id}"), aor)
        .await;
    let fleet: Value =
        serde_json::from_str(&stack.as_admin(Method::GET, "/api/fleet", Value::Null).await)
            .unwrap();
    let seq = fleet["pending"][0]["seq"].as_i64().unwrap();
    b.sim().unwrap().start();

    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/fleet", stack.conjure)).await.unwrap();
    let row = wait_for_text(c, &format!("pending-{seq}"), "refused").await;
    assert!(row.contains(&id) && row.contains('b'), "{row}");
    let attempts: u32 = text_of(c, &format!("attempts-{seq}"))
        .await
        .trim()
        .parse()
        .unwrap();
    let path = format!("/ari/asterisk/config/dynamic/res_pjsip/aor/{id}");
    let sent = b.sim().unwrap().asked(&path);
    click(c, &format!("retry-{seq}")).await;
    wait_for_text(c, "fleet-status", "will be sent to b again").await;
    wait_for_text(c, &format!("attempts-{seq}"), &(attempts + 1).to_string()).await;
    assert_eq!(
        b.sim().unwrap().asked(&path),
        sent + 1,
        "sent to b once more"
    );
    wait_for_text(c, &format!("pending-{seq}"), "refused").await;
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}
