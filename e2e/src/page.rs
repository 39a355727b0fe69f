//! Page helpers for the browser tests: find elements by `data-testid`, click, type, wait for text.

use std::time::Duration;

use fantoccini::{Client, Locator};

const PATIENCE: Duration = Duration::from_secs(10);

/// The CSS selector of a `data-testid`.
pub fn css(testid: &str) -> String {
    format!("[data-testid='{testid}']")
}

/// The text of an element, waiting for it to appear.
pub async fn text_of(c: &Client, testid: &str) -> String {
    let el = c
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(&css(testid)))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid='{testid}'] on the page: {e}"));
    el.text().await.unwrap()
}

pub async fn click(c: &Client, testid: &str) {
    c.wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(&css(testid)))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid='{testid}'] to click: {e}"))
        .click()
        .await
        .unwrap();
}

/// Replaces the content of an input.
pub async fn type_into(c: &Client, testid: &str, text: &str) {
    let el = c
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(&css(testid)))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid='{testid}'] to type into: {e}"));
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Waits until an element shows `needle`, and returns its whole text.
pub async fn wait_for_text(c: &Client, testid: &str, needle: &str) -> String {
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Css(&css(testid))).await {
            let t = el.text().await.unwrap_or_default();
            if t.contains(needle) {
                return t;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page: String = c
        .source()
        .await
        .unwrap_or_default()
        .chars()
        .take(3000)
        .collect();
    panic!("[data-testid='{testid}'] never showed '{needle}'; page: {page}");
}
