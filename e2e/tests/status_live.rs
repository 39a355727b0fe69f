//! The top bar follows the watcher without a reload: Asterisk restarts under an open page, the bar says
//! it was restarted and what was restored, and the object is back on Asterisk.

use e2e::page::wait_for_text;
use e2e::{skip_on_real, stack_watched};
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_under_an_open_page_shows_in_the_top_bar() {
    if skip_on_real("restarts the server") {
        return;
    }
    let stack = stack_watched(Mode::Asterisk).await;
    let alias = stack.up.id("alias");
    let r = reqwest::Client::new()
        .put(format!(
            "{}/api/objects/domain_alias/{alias}",
            stack.conjure
        ))
        .basic_auth("admin", Some(e2e::ADMIN))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    wait_for_text(c, "watch-line", "Conjure started").await;
    // domain_alias is kept in memory: the restart loses it, the watcher puts it back.
    stack.up.sim().unwrap().restart();
    let line = wait_for_text(c, "watch-line", "1 of 1 objects restored").await;
    assert!(line.contains("Asterisk restarted at"), "{line}");
    assert_eq!(
        stack.on_asterisk(&format!("domain_alias/{alias}")).await.0,
        200
    );
    driver.client.clone().close().await.unwrap();
}
