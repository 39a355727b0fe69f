//! The object browser in headless Chromium: list, search, sort, page; adopt an unmanaged endpoint.

use e2e::page::{click, css, wait_for_text};
use e2e::stack;
use fantoccini::{Client, Locator};
use model::ObjectType;
use model::api::Mode;

async fn first_row(c: &Client) -> String {
    c.find(Locator::Css(&css("inventory-row")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_search_sort_page_and_adopt() {
    let stack = stack(Mode::Asterisk).await;
    for i in 0..60 {
        stack
            .store
            .record(
                ObjectType::Aor,
                &format!("desk-{i:02}"),
                vec![],
                vec![],
                "test",
            )
            .await
            .unwrap();
    }
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/objects/aor", stack.conjure))
        .await
        .unwrap();
    wait_for_text(c, "inventory-total", "60 objects").await;
    assert_eq!(
        c.find_all(Locator::Css(&css("inventory-row")))
            .await
            .unwrap()
            .len(),
        50
    );
    assert!(first_row(c).await.starts_with("desk-00"));
    wait_for_text(c, "page", "Page 1 of 2").await;
    click(c, "next-page").await;
    wait_for_text(c, "page", "Page 2 of 2").await;
    assert_eq!(
        c.find_all(Locator::Css(&css("inventory-row")))
            .await
            .unwrap()
            .len(),
        10
    );

    // Sorted by id already: another click reverses the order.
    click(c, "sort-id").await;
    wait_for_text(c, "page", "Page 1 of 2").await;
    c.find(Locator::Css(&css("inventory-search")))
        .await
        .unwrap()
        .send_keys("desk-1")
        .await
        .unwrap();
    wait_for_text(c, "inventory-total", "10 objects").await;
    assert!(
        first_row(c).await.starts_with("desk-19"),
        "{}",
        first_row(c).await
    );

    // An endpoint pushed straight to Asterisk shows up as not managed, and can be adopted.
    let legacy = stack.up.id("legacy");
    reqwest::Client::new()
        .put(format!(
            "{}/ari/asterisk/config/dynamic/res_pjsip/endpoint/{legacy}",
            stack.up.base
        ))
        .basic_auth(&stack.up.user, Some(&stack.up.password))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"allow","value":"ulaw"}]}"#)
        .send()
        .await
        .unwrap();
    c.goto(&format!("{}/objects/endpoint", stack.conjure))
        .await
        .unwrap();
    wait_for_text(c, "unmanaged", &legacy).await;
    click(c, &format!("adopt-{legacy}")).await;
    wait_for_text(c, "inventory-total", "1 objects").await;
    assert!(first_row(c).await.starts_with(&legacy));
    assert!(
        stack
            .store
            .contains(ObjectType::Endpoint, &legacy)
            .await
            .unwrap()
    );
    driver.client.clone().close().await.unwrap();
}
