//! The drift page in Chromium: reached from the panel's sidebar, it shows an identify that was changed on
//! Asterisk behind Conjure's back, with the attribute that differs, and puts Conjure's version back once
//! the panel's dialog has asked (a cancelled question changes nothing).

use e2e::page::{click, text_of, wait_for_text};
use e2e::stack;
use fantoccini::Locator;
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_behind_conjures_back_is_shown_and_undone() {
    let stack = stack(Mode::Asterisk).await;
    let office = stack.up.id("office");
    let http = reqwest::Client::new();
    let r = http
        .put(format!("{}/api/objects/identify/{office}", stack.conjure))
        .basic_auth("admin", Some(e2e::ADMIN))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"endpoint","value":"x"},{"attribute":"match","value":"192.0.2.10"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Straight to Asterisk: a match Conjure did not push.
    let r = http
        .put(format!(
            "{}/ari/asterisk/config/dynamic/res_pjsip/identify/{office}",
            stack.up.base
        ))
        .basic_auth(&stack.up.user, Some(&stack.up.password))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"match","value":"192.0.2.99"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.find(Locator::LinkText("Drift"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "drift-summary", "to look at").await;
    let row = wait_for_text(c, &format!("drift-identify-{office}"), "192.0.2.99").await;
    assert!(
        row.contains("different on Asterisk") && row.contains("match"),
        "{row}"
    );
    std::fs::write(
        e2e::artifacts().join("drift.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    // Asked first; "Cancel" leaves Asterisk as it is.
    click(c, &format!("drift-reapply-identify-{office}")).await;
    let question = text_of(c, "ask-text").await;
    assert!(question.contains("overwritten"), "{question}");
    click(c, "ask-no").await;
    let (_, still) = stack.on_asterisk(&format!("identify/{office}")).await;
    assert!(still.contains("192.0.2.99"), "{still}");
    click(c, &format!("drift-reapply-identify-{office}")).await;
    click(c, "ask-yes").await;
    wait_for_text(c, "drift-done", "Conjure's version is on Asterisk again").await;
    let (_, now) = stack.on_asterisk(&format!("identify/{office}")).await;
    assert!(
        now.contains("192.0.2.10") && !now.contains("192.0.2.99"),
        "{now}"
    );
    driver.client.clone().close().await.unwrap();
}
