//! Embedding in a portal: `?compact` shows the page without the app's navigation and top bar, and the
//! panel, served under a base path, works inside an iframe of another origin that --frame-ancestors names.

use e2e::page::{click, css, text_of, type_into, wait_for_text};
use e2e::stack;
use fantoccini::Locator;
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compact_mode_drops_the_chrome() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let alice = stack.up.id("alice");
    c.goto(&format!("{}/objects/auth/{alice}?compact", stack.conjure))
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
    c.goto(&format!("{}/objects/auth/{alice}", stack.conjure))
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
    let portal_origin = allowed.clone();
    let stack = e2e::stack_with(Mode::Asterisk, move |s| {
        s.with_frame_ancestors(vec![portal_origin])
            .with_base_path("/pbx/conjure")
    })
    .await;
    assert!(stack.conjure.ends_with("/pbx/conjure"));
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let framed = stack.up.id("framed");
    let src = format!("{}/objects/aor/{framed}?compact", stack.conjure);

    c.goto(&format!("{allowed}/?src={src}")).await.unwrap();
    let frame = c.wait().for_element(Locator::Id("pbx")).await.unwrap();
    frame.enter_frame().await.unwrap();
    assert!(
        text_of(c, "not-found").await.contains("does not exist"),
        "the panel runs inside the allowed portal"
    );
    // A change from inside the frame, under the base path, with the session's CSRF token.
    click(c, "create").await;
    type_into(c, "value-qualify_frequency", "30").await;
    click(c, "save").await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    c.enter_parent_frame().await.unwrap();
    std::fs::write(
        e2e::artifacts().join("portal-frame.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    let saved = stack
        .store
        .contains(model::ObjectType::Aor, &framed)
        .await
        .unwrap();
    assert!(saved, "the framed panel saved through /pbx/conjure/api");

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
