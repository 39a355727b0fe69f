//! The audit page in headless Chromium: changes appear with their diff, filters narrow them, and the
//! password typed in the form never shows.

use e2e::page::{click, css, type_into, wait_for_text};
use e2e::stack;
use fantoccini::Locator;
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_show_up_in_the_audit_page() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/objects/auth/alice", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    type_into(c, "secret-password", "typed-secret-7").await;
    click(c, "save").await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    c.goto(&format!("{}/objects/aor/desk", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    click(c, "save").await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;

    c.goto(&format!("{}/audit", stack.conjure)).await.unwrap();
    let log = wait_for_text(c, "audit", "auth alice").await;
    assert!(
        log.contains("aor desk") && log.contains("username") && log.contains("(changed)"),
        "{log}"
    );
    assert!(!c.source().await.unwrap().contains("typed-secret-7"));
    type_into(c, "audit-type", "aor").await;
    for _ in 0..50 {
        if c.find_all(Locator::Css(&css("audit-row")))
            .await
            .unwrap()
            .len()
            == 1
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let rows = c.find_all(Locator::Css(&css("audit-row"))).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].text().await.unwrap().contains("aor desk"));
    let href = c
        .find(Locator::Css(&css("audit-csv")))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(href, "/api/audit.csv?type=aor");
    driver.client.clone().close().await.unwrap();
}
