//! Every page of the panel in Chromium at 1400 px and at 390 px (a phone, a narrow portal frame), light
//! and dark: nothing wider than the window, and axe-core finds no "serious" or "critical" problem.

use e2e::page::{click, text_of};
use e2e::screen::{axe, emulate, overflow};
use e2e::{artifacts, sign_in, stack};
use fantoccini::{Client, Locator};
use model::api::Mode;

/// Until the page has its heading and nothing is loading any more.
async fn settled(c: &Client) {
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    for _ in 0..100 {
        let loading = c
            .execute(
                "return document.body.innerText.includes('Loading…') || document.body.innerText.includes('Checking Asterisk…')",
                vec![],
            )
            .await
            .unwrap();
        if loading == false {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{} kept loading", c.current_url().await.unwrap());
}

/// Each page in the three looks; every problem found, by page and look.
async fn check_pages(c: &Client, base: &str, pages: &[&str], problems: &mut Vec<String>) {
    for (width, dark) in [(1400, false), (1400, true), (390, false)] {
        emulate(c, width, dark).await;
        for page in pages {
            c.goto(&format!("{base}{page}")).await.unwrap();
            settled(c).await;
            let look = format!("{page} at {width} px{}", if dark { ", dark" } else { "" });
            if let Some(o) = overflow(c).await {
                problems.push(format!("{look}: {o}"));
            }
            if width == 390 {
                let name = page.trim_matches('/').replace('/', "-");
                let shot = artifacts().join(format!(
                    "narrow-{}.png",
                    if name.is_empty() { "home" } else { &name }
                ));
                std::fs::write(shot, c.screenshot().await.unwrap()).unwrap();
            }
            problems.extend(axe(c).await.into_iter().map(|v| format!("{look}: {v}")));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_390_px_and_axe_finds_nothing_serious() {
    let stack = stack(Mode::Asterisk).await;
    let ext = stack.up.id("33");
    stack
        .as_admin(
            reqwest::Method::POST,
            "/api/phone-users",
            serde_json::json!({ "extension": ext, "name": "Fay Wu" }),
        )
        .await;
    let driver = e2e::browser().await;
    let c = &driver.client;
    let mut problems = Vec::new();

    // The sign-in page, before anyone is signed in.
    for (width, dark) in [(1400, false), (1400, true), (390, false)] {
        emulate(c, width, dark).await;
        c.goto(&format!("{}/", stack.conjure)).await.unwrap();
        text_of(c, "login-form").await;
        if let Some(o) = overflow(c).await {
            problems.push(format!("sign-in at {width}: {o}"));
        }
        problems.extend(
            axe(c)
                .await
                .into_iter()
                .map(|v| format!("sign-in at {width} {dark}: {v}")),
        );
    }

    emulate(c, 1400, false).await;
    sign_in(c, &stack.conjure, "admin", e2e::ADMIN).await;
    let pages = [
        "/".to_string(),
        "/phone-users".into(),
        "/phone-users/new".into(),
        "/phone-users/import".into(),
        "/templates".into(),
        "/objects/endpoint".into(),
        format!("/objects/endpoint/{ext}"),
        format!("/objects/auth/{}", stack.up.id("not-made")),
        "/objects/system".into(),
        "/audit".into(),
        "/users".into(),
        "/tokens".into(),
        "/account".into(),
        "/drift".into(),
        "/fleet".into(),
        "/config-import".into(),
        "/no-such-page".into(),
    ];
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    check_pages(c, &stack.conjure, &pages, &mut problems).await;

    // At 390 px the sidebar is behind the menu button.
    emulate(c, 390, false).await;
    c.goto(&format!("{}/", stack.conjure)).await.unwrap();
    settled(c).await;
    let sidebar = c.find(Locator::Css("nav.sidebar")).await.unwrap();
    assert!(
        !sidebar.is_displayed().await.unwrap(),
        "the sidebar is folded away at 390 px"
    );
    click(c, "menu").await;
    assert!(
        sidebar.is_displayed().await.unwrap(),
        "the menu button shows it"
    );
    c.find(Locator::LinkText("Phone users"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(c, "phone-user-search").await;
    assert!(
        !sidebar.is_displayed().await.unwrap(),
        "following a link folds it again"
    );
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "main", "the new page's main region has the focus");
    // In a portal's frame (`?compact`): no sidebar or top bar, a small way back.
    c.goto(&format!("{}/phone-users?compact", stack.conjure))
        .await
        .unwrap();
    settled(c).await;
    text_of(c, "back").await;
    assert!(c.find(Locator::Css("nav.sidebar")).await.is_err());
    assert!(overflow(c).await.is_none());
    let skip = c.find(Locator::Css("a.skip")).await.unwrap();
    assert_eq!(skip.attr("href").await.unwrap().as_deref(), Some("#main"));

    // The check itself sees a page that is too wide.
    c.execute(
        "const d = document.createElement('div'); d.style.width = '800px'; d.textContent = 'wide';
         document.querySelector('main').append(d);",
        vec![],
    )
    .await
    .unwrap();
    let wide = overflow(c).await;
    assert!(wide.is_some(), "a page 800 px wide in 390 px is seen");

    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}
