//! An endpoint's 144 options in Chromium: an edit far down the form is counted in the save bar and marked
//! "edited", the changes open in a dialog that has the focus, the result shows in the window wherever the
//! person is, and leaving with an unsaved edit (by a link or through the history) asks first.

use e2e::page::{click, css, show_all_options, text_of, type_into, wait_for_text};
use e2e::stack;
use fantoccini::{Client, Locator};
use model::api::Mode;

/// Whether the element is inside the window as it is scrolled now.
async fn in_view(c: &Client, testid: &str) -> bool {
    let v = c
        .execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;",
            vec![serde_json::json!(css(testid))],
        )
        .await
        .unwrap();
    v == true
}

/// Follows the sidebar's link, as a person leaving the page does.
async fn to_the_audit_log(c: &Client) {
    c.find(Locator::LinkText("Audit log"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_far_down_is_counted_saved_and_seen_where_it_happens() {
    let stack = stack(Mode::Asterisk).await;
    let ext = stack.up.id("34");
    stack
        .as_admin(
            reqwest::Method::PUT,
            &format!("/api/objects/endpoint/{ext}"),
            serde_json::json!({ "fields": [{ "attribute": "allow", "value": "ulaw" }] }),
        )
        .await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/objects/endpoint/{ext}", stack.conjure))
        .await
        .unwrap();
    // Away and Back inside the panel, so Back is the panel's own (a popstate, not a new page load).
    text_of(c, "object-form").await;
    to_the_audit_log(c).await;
    text_of(c, "audit").await;
    c.back().await.unwrap();
    show_all_options(c).await;
    // An option near the end of the list, with the whole form above it.
    type_into(c, "value-rtp_timeout", "45").await;
    assert!(text_of(c, "option-rtp_timeout").await.contains("edited"));
    wait_for_text(c, "unsaved", "1 unsaved edit").await;
    assert!(in_view(c, "savebar").await, "the save bar is in the window");

    // Leaving asks, by a link or by the history (Forward to the audit log: Back would leave the
    // document, where the browser asks); "Cancel" keeps the edit.
    to_the_audit_log(c).await;
    wait_for_text(c, "ask-text", "1 unsaved edit.").await;
    click(c, "ask-no").await;
    c.forward().await.unwrap();
    wait_for_text(c, "ask-text", "1 unsaved edit.").await;
    click(c, "ask-no").await;
    assert!(c.current_url().await.unwrap().as_str().ends_with(&ext));
    assert_eq!(
        c.find(Locator::Css(&css("value-rtp_timeout")))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("45")
    );

    click(c, "save").await;
    text_of(c, "diff-rtp_timeout").await;
    let focused = c
        .execute("return document.activeElement.dataset.testid", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "confirm-save", "the dialog took the focus");
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    assert!(in_view(c, "notice").await, "the result shows in the window");
    assert!(
        stack
            .on_asterisk(&format!("endpoint/{ext}"))
            .await
            .1
            .contains(r#""rtp_timeout","value":"45""#)
    );
    // Saved: nothing left to ask about when leaving.
    to_the_audit_log(c).await;
    wait_for_text(c, "audit", &format!("endpoint {ext}")).await;
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}
