//! Embedding in a portal: `?compact` shows the page without the app's navigation and top bar, and the
//! panel works inside an iframe of another origin that --frame-ancestors names.

use e2e::page::{click, css, text_of};
use e2e::{browser, stack};
use fantoccini::Locator;
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compact_mode_drops_the_chrome() {
    let stack = stack(Mode::Asterisk).await;
    let driver = browser().await;
    let c = &driver.client;
    c.goto(&format!("{}/objects/auth/alice?compact", stack.conjure))
        .await
        .unwrap();
    assert!(text_of(c, "not-found").await.contains("does not exist"));
    assert!(
        c.find(Locator::Css("nav.sidebar")).await.is_err(),
        "no navigation in compact mode"
    );
    assert!(
        c.find(Locator::Css(&css("asterisk-state"))).await.is_err(),
        "no top bar in compact mode"
    );
    // Still fully usable.
    click(c, "create").await;
    c.wait()
        .for_element(Locator::Css(&css("object-form")))
        .await
        .unwrap();
    // Without ?compact the chrome is there.
    c.goto(&format!("{}/objects/auth/alice", stack.conjure))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("nav.sidebar"))
        .await
        .unwrap();
    driver.client.clone().close().await.unwrap();
}

/// Conjure's CSP names the portal's origin, which is only known once the portal listens, so the portal
/// page takes the panel's address from its own query string.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_portal_can_frame_the_panel_and_another_cannot() {
    let page = r#"<!doctype html><html><body><h1>Portal</h1><iframe id="pbx" width="900" height="600"></iframe>
        <script>document.getElementById('pbx').src = new URLSearchParams(location.search).get('src');</script></body></html>"#;
    let allowed = e2e::portal(page.to_string()).await;
    let other = e2e::portal(page.to_string()).await;
    let stack = e2e::stack_framable_by(Mode::Asterisk, vec![allowed.clone()]).await;
    let driver = browser().await;
    let c = &driver.client;
    let src = format!("{}/objects/auth/alice?compact", stack.conjure);

    c.goto(&format!("{allowed}/?src={src}")).await.unwrap();
    let frame = c.wait().for_element(Locator::Id("pbx")).await.unwrap();
    frame.enter_frame().await.unwrap();
    assert!(
        text_of(c, "not-found").await.contains("does not exist"),
        "the panel runs inside the allowed portal"
    );
    c.enter_parent_frame().await.unwrap();

    c.goto(&format!("{other}/?src={src}")).await.unwrap();
    let frame = c.wait().for_element(Locator::Id("pbx")).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    frame.enter_frame().await.unwrap();
    assert!(
        c.find(Locator::Css(&css("not-found"))).await.is_err(),
        "another origin must not be able to frame the panel"
    );
    driver.client.clone().close().await.unwrap();
}
