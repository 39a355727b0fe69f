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
    let el = c
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(&css(testid)))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid='{testid}'] to click: {e}"));
    click_element(c, &el).await;
}

/// Clicks `el` after scrolling it to the middle of the window, as a person does before clicking:
/// chromedriver scrolls it only to the edge, where the sticky save bar can be over it.
pub async fn click_element(c: &Client, el: &fantoccini::elements::Element) {
    let arg = serde_json::to_value(el).unwrap();
    c.execute(
        "arguments[0].scrollIntoView({ block: 'center' })",
        vec![arg],
    )
    .await
    .unwrap();
    el.click().await.unwrap();
}

/// Opens a form's "All N options".
pub async fn show_all_options(c: &Client) {
    let summary = c
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("[data-testid='show-all'] summary"))
        .await
        .unwrap();
    click_element(c, &summary).await;
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
    wait_for_text_for(c, testid, needle, PATIENCE).await
}

/// [`wait_for_text`], for something that comes later than a page's answer (a poll's next round).
pub async fn wait_for_text_for(
    c: &Client,
    testid: &str,
    needle: &str,
    patience: Duration,
) -> String {
    for _ in 0..patience.as_millis() / 100 {
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

/// Chooses a file with `content` in the page's file input `import-file`.
pub async fn choose_file(c: &Client, name: &str, content: &str) {
    choose_file_in(c, "import-file", name, content.as_bytes()).await
}

/// Chooses a file named `name` (as the browser will send it) holding `content` in the file input
/// `testid`.
pub async fn choose_file_in(c: &Client, testid: &str, name: &str, content: &[u8]) {
    let dir = std::env::temp_dir().join(format!("conjure-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    c.wait()
        .for_element(Locator::Css(&css(testid)))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
}
