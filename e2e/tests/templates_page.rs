//! The templates page as an admin uses it: a line that is not an option is named before anything is
//! sent, and a secret in a template is refused by the backend with the line it is on.

use e2e::page::{click, type_into, wait_for_text};
use e2e::stack;
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_says_which_line_is_wrong_and_keeps_no_secret() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/templates", stack.conjure))
        .await
        .unwrap();
    type_into(
        c,
        "tpl-desk-phone-endpoint",
        "context = internal\ndirect_media no\n",
    )
    .await;
    click(c, "tpl-desk-phone-save").await;
    let e = wait_for_text(c, "error", "Line 2").await;
    assert!(
        e.contains("endpoint") && e.contains("direct_media no"),
        "{e}"
    );

    type_into(
        c,
        "tpl-desk-phone-endpoint",
        "context = internal\nallow = ulaw\n",
    )
    .await;
    type_into(
        c,
        "tpl-desk-phone-auth",
        "auth_type = userpass\nPASSWORD = hunter2-secret\n",
    )
    .await;
    click(c, "tpl-desk-phone-save").await;
    let e = wait_for_text(c, "error", "is a secret").await;
    assert!(e.contains("auth, line 2"), "{e}");

    let list = reqwest::Client::new()
        .get(format!("{}/api/templates", stack.conjure))
        .basic_auth("admin", Some(e2e::ADMIN))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("hunter2"), "{list}");
    driver.client.clone().close().await.unwrap();
}
