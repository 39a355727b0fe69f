//! The audit page in headless Chromium: changes appear in words, filters narrow them (days in the
//! browser's time zone), times show in that zone with UTC on hover, and the password typed in the form
//! never shows.

use e2e::page::{click, css, type_into, wait_for_text};
use e2e::stack;
use fantoccini::Locator;
use model::api::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_show_up_in_the_audit_page() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let (alice, desk) = (stack.up.id("alice"), stack.up.id("desk"));
    c.goto(&format!("{}/objects/auth/{alice}", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    type_into(c, "secret-password", "typed-secret-7").await;
    click(c, "save").await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    c.goto(&format!("{}/objects/aor/{desk}", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    click(c, "save").await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;

    c.goto(&format!("{}/audit", stack.conjure)).await.unwrap();
    let log = wait_for_text(c, "audit", &format!("auth {alice}")).await;
    assert!(
        log.contains(&format!("aor {desk}"))
            && log.contains("username")
            && log.contains("(changed)"),
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
    assert!(
        rows[0]
            .text()
            .await
            .unwrap()
            .contains(&format!("aor {desk}"))
    );
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

async fn rows(c: &fantoccini::Client, expected: usize) -> usize {
    let mut n = 0;
    for _ in 0..50 {
        n = c
            .find_all(Locator::Css(&css("audit-row")))
            .await
            .unwrap()
            .len();
        if n == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    n
}

/// After a day of edits: the newest 100 first, then older pages, and back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_log_is_read_page_by_page() {
    let stack = stack(Mode::Asterisk).await;
    for i in 0..230 {
        let entry = model::api::AuditEntry {
            seq: 0,
            at: String::new(),
            actor: if i % 2 == 0 {
                "olga".into()
            } else {
                "token:billing".into()
            },
            address: "192.0.2.1".into(),
            action: "put".into(),
            object_type: "endpoint".into(),
            id: format!("{}", 2000 + i),
            changes: vec![],
            server: "http://pbx:8088".into(),
            status: 200,
            message: "saved".into(),
            summary: String::new(),
        };
        stack
            .store
            .change(conjure::store::Inventory::Keep, &entry)
            .await
            .unwrap();
    }
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/audit", stack.conjure)).await.unwrap();
    wait_for_text(c, "audit", "endpoint 2229").await;
    assert_eq!(rows(c, 100).await, 100);
    click(c, "audit-older").await;
    wait_for_text(c, "audit-page", "Page 2").await;
    wait_for_text(c, "audit", "endpoint 2129").await;
    click(c, "audit-older").await;
    wait_for_text(c, "audit", "endpoint 2000").await;
    assert_eq!(rows(c, 30).await, 30);
    click(c, "audit-newer").await;
    wait_for_text(c, "audit-page", "Page 2").await;
    // A filter starts again from the newest page.
    type_into(c, "audit-actor", "olga").await;
    wait_for_text(c, "audit-page", "Page 1").await;
    assert_eq!(rows(c, 100).await, 100);
    driver.client.clone().close().await.unwrap();
}

/// Sets a date input as a person picking a day does (the input event the page listens to).
async fn pick_day(c: &fantoccini::Client, testid: &str, day: &str) {
    c.execute(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1];
         e.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![serde_json::json!(css(testid)), serde_json::json!(day)],
    )
    .await
    .unwrap();
}

/// The day in the browser's zone, `days` from today, as a date input holds it (YYYY-MM-DD).
async fn local_day(c: &fantoccini::Client, days: i32) -> String {
    let v = c
        .execute(
            "const d = new Date(); d.setDate(d.getDate() + arguments[0]); return d.toLocaleDateString('sv');",
            vec![serde_json::json!(days)],
        )
        .await
        .unwrap();
    v.as_str().unwrap().to_string()
}

/// In UTC+14 the day is not UTC's: "until yesterday" leaves out what was changed now, "from today" keeps
/// it; the time shown is the browser's, with UTC in the title.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_and_times_are_the_browsers() {
    let stack = stack(Mode::Asterisk).await;
    let id = stack.up.id("when");
    stack
        .as_admin(
            reqwest::Method::PUT,
            &format!("/api/objects/aor/{id}"),
            serde_json::json!({ "fields": [{ "attribute": "max_contacts", "value": "2" }] }),
        )
        .await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    e2e::screen::time_zone(c, "Pacific/Kiritimati").await;
    c.goto(&format!("{}/audit", stack.conjure)).await.unwrap();
    wait_for_text(
        c,
        "audit",
        &format!("admin changed aor {id}: max_contacts 2"),
    )
    .await;
    let time = c
        .find(Locator::Css("[data-testid='audit-row'] time"))
        .await
        .unwrap();
    let utc = time.attr("title").await.unwrap().unwrap();
    let at = time.attr("datetime").await.unwrap().unwrap();
    assert!(
        utc.ends_with(" UTC") && utc.starts_with(&at[..10]),
        "{utc} for {at}"
    );
    let shown = time.text().await.unwrap();
    assert!(
        !shown.contains(&at[11..16]),
        "{shown} is UTC's {at}, not UTC+14's"
    );

    let (today, yesterday) = (local_day(c, 0).await, local_day(c, -1).await);
    pick_day(c, "audit-until", &yesterday).await;
    assert_eq!(rows(c, 0).await, 0, "nothing was changed before today");
    pick_day(c, "audit-until", "").await;
    pick_day(c, "audit-since", &today).await;
    assert_eq!(rows(c, 1).await, 1);
    pick_day(c, "audit-until", &today).await;
    assert_eq!(
        rows(c, 1).await,
        1,
        "until today includes the whole of today"
    );
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}
