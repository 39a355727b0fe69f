//! The pjsip.conf import page in Chromium against the real backend: an admin reaches it from the
//! sidebar, chooses a hand-written pjsip.conf, and reads the plan: counts, a row per object with what it
//! would do, the refusal at its line, the filter, and what stays in the file. Nothing reaches Asterisk.

use e2e::page::{choose_file_in, click, wait_for_text};
use fantoccini::Locator;
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_reads_the_plan_of_a_pjsip_conf() {
    let stack = e2e::stack(Mode::Asterisk).await;
    let kept = stack.up.id("cfg-kept");
    let body = serde_json::json!({"fields": [{"attribute": "max_contacts", "value": "1"}]});
    stack
        .as_admin(
            reqwest::Method::PUT,
            &format!("/api/objects/aor/{kept}"),
            body,
        )
        .await;
    let new = stack.up.id("cfg-new");
    let bad = stack.up.id("cfg-bad");
    let file = format!(
        "[transport-udp]\ntype=transport\nprotocol=udp\n\n\
         [{kept}]\ntype=aor\nmax_contacts=2\n\n\
         [{new}]\ntype=aor\nmax_contacts=1\n\n\
         [{bad}]\ntype=aor\nmax_contacts=lots\n"
    );
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.find(Locator::LinkText("Import a pjsip.conf"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    choose_file_in(c, "cfg-file", "pjsip.conf", file.as_bytes()).await;
    click(c, "cfg-plan").await;
    let summary = wait_for_text(c, "cfg-summary", "3 objects").await;
    assert!(
        summary.contains("1 new")
            && summary.contains("1 to change")
            && summary.contains("1 refused"),
        "{summary}"
    );
    let row = wait_for_text(c, &format!("cfg-aor-{kept}"), "update").await;
    assert!(row.contains("max_contacts: 1 → 2"), "{row}");
    let row = wait_for_text(c, &format!("cfg-aor-{bad}"), "refused").await;
    assert!(row.contains("pjsip.conf:15:1"), "{row}");
    wait_for_text(c, "cfg-staying", "transport").await;
    // Only the refused ones.
    c.find(Locator::Css("[data-testid='cfg-filter']"))
        .await
        .unwrap()
        .select_by_value("refused")
        .await
        .unwrap();
    let table = wait_for_text(c, "cfg-items", &bad).await;
    assert!(!table.contains(&new), "{table}");
    assert_eq!(
        stack.on_asterisk(&format!("aor/{new}")).await.0,
        404,
        "nothing pushed"
    );
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}
