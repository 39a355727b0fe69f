//! The panel as a receptionist with the provisioner role finds it, in Chromium against the real backend:
//! phone users and nothing of PJSIP; a wizard that offers the next extension; a spreadsheet of 150
//! users reached page by page; a phone that comes online while the list is open; every action that
//! cuts a phone off asks first, naming the person, and does nothing until "yes".

use std::time::Duration;

use e2e::page::{choose_file, click, css, text_of, type_into, wait_for_text, wait_for_text_for};
use e2e::{artifacts, sign_in, stack};
use fantoccini::{Client, Locator};
use model::api::Mode;
use serde_json::json;

const CLERK_PASSWORD: &str = "clerk-password-1";

async fn in_row(c: &Client, ext: &str, testid: &str) -> fantoccini::elements::Element {
    c.wait()
        .for_element(Locator::Css(&format!(
            "{} {}",
            css(&format!("phone-user-{ext}")),
            css(testid)
        )))
        .await
        .unwrap_or_else(|e| panic!("no {testid} in the row of {ext}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_provisions_without_seeing_pjsip_and_every_cut_off_asks_first() {
    let stack = stack(Mode::Asterisk).await;
    stack
        .as_admin(
            reqwest::Method::POST,
            "/api/users",
            json!({ "name": "pia", "role": "provisioner", "password": CLERK_PASSWORD }),
        )
        .await;
    let driver = e2e::browser().await;
    let c = &driver.client;
    sign_in(c, &stack.conjure, "pia", CLERK_PASSWORD).await;

    // Home and sidebar: the clerk's two tasks, and no PJSIP type, audit or drift anywhere.
    wait_for_text(c, "home-phone-users", "0 phone users").await;
    let sidebar = c
        .find(Locator::Css("nav.sidebar"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for absent in [
        "Endpoints",
        "PJSIP",
        "Audit",
        "Drift",
        "Phone templates",
        "Users",
    ] {
        assert!(
            !sidebar.contains(absent),
            "{absent} in the clerk's sidebar: {sidebar}"
        );
    }
    assert!(sidebar.contains("Import a spreadsheet"), "{sidebar}");
    assert!(
        c.find(Locator::Css(&css("open-type"))).await.is_err(),
        "no 'open an object' for a clerk"
    );

    // The wizard, then the extension it offers next.
    click(c, "home-new-phone-user").await;
    let first = stack.up.id("31");
    type_into(c, "pu-extension", &first).await;
    type_into(c, "pu-name", "Clara Ng").await;
    click(c, "pu-create").await;
    text_of(c, "setup-username").await;
    c.find(Locator::XPath("//button[text()='Add another']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let next = (first.parse::<u64>().unwrap() + 1).to_string();
    stack.up.track(&next);
    wait_for_text(c, "pu-next", &next).await;
    click(c, "pu-next").await;
    let typed = c
        .find(Locator::Css(&css("pu-extension")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(typed.as_deref(), Some(next.as_str()));
    type_into(c, "pu-name", "Dan Oy").await;
    click(c, "pu-create").await;
    wait_for_text(c, "setup-username", &next).await;
    assert_eq!(stack.on_asterisk(&format!("endpoint/{next}")).await.0, 200);

    // 150 users from a spreadsheet, then the link to them, newest first, by pages of 50.
    c.goto(&format!("{}/phone-users/import", stack.conjure))
        .await
        .unwrap();
    let sample = c
        .wait()
        .for_element(Locator::Css(&css("import-sample")))
        .await
        .unwrap();
    assert_eq!(
        sample.attr("download").await.unwrap().as_deref(),
        Some("phone-users-sample.csv")
    );
    let prefix = stack.up.id("8");
    let exts: Vec<String> = (0..150).map(|i| format!("{prefix}{i:03}")).collect();
    let mut csv = String::from("extension,name\n");
    for e in &exts {
        stack.up.track(e);
        csv.push_str(&format!("{e},Person {e}\n"));
    }
    choose_file(c, "150.csv", &csv).await;
    click(c, "import-check").await;
    wait_for_text(c, "import-report", "150 ready").await;
    click(c, "import-apply").await;
    wait_for_text_for(c, "import-status", "150 created", Duration::from_secs(60)).await;
    assert!(
        text_of(c, "import-progress")
            .await
            .contains("holds every new phone's password"),
        "the results file's warning"
    );
    click(c, "import-users").await;
    wait_for_text(c, "page-of", "Page 1 of 4 · 152 phone users").await;
    // Newest first: the wizard's two users, made before the import, are on the last page.
    let first_page = text_of(c, "phone-users").await;
    assert!(
        !first_page.contains("Clara Ng") && first_page.contains("Person"),
        "{first_page}"
    );
    for page in 2..=4 {
        click(c, "page-next").await;
        wait_for_text(c, "page-of", &format!("Page {page} of 4")).await;
    }
    let rows = c
        .find_all(Locator::Css("[data-testid='phone-users'] tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "152 = 3 pages of 50 and 2");
    let last_page = wait_for_text(c, "phone-users", "Clara Ng").await;
    assert!(last_page.contains("Dan Oy"), "{last_page}");

    // Online: the list asks Asterisk again while it is open, so a phone that comes up shows without a reload.
    type_into(c, "phone-user-search", &first).await;
    wait_for_text(c, "page-of", "· 1 phone user").await;
    assert_eq!(
        in_row(c, &first, "online").await.text().await.unwrap(),
        "offline"
    );
    stack
        .as_admin(
            reqwest::Method::PUT,
            &format!("/api/objects/aor/{first}"),
            json!({ "fields": [
            { "attribute": "contact", "value": "sip:phone@192.0.2.10:5060" },
            { "attribute": "qualify_frequency", "value": "0" }
        ] }),
        )
        .await;
    wait_for_text_for(
        c,
        &format!("phone-user-{first}"),
        "online",
        Duration::from_secs(20),
    )
    .await;

    // A new password asks, naming the person; "Cancel" changes nothing, "yes" shows the new one once.
    let (_, before) = stack.on_asterisk(&format!("auth/{first}")).await;
    in_row(c, &first, "new-password")
        .await
        .click()
        .await
        .unwrap();
    let question = wait_for_text(c, "ask-text", "Clara Ng's phone").await;
    assert!(
        question.contains("will stop working until it is given the new password"),
        "{question}"
    );
    click(c, "ask-no").await;
    assert!(c.find(Locator::Css(&css("setup-password"))).await.is_err());
    assert_eq!(stack.on_asterisk(&format!("auth/{first}")).await.1, before);
    in_row(c, &first, "new-password")
        .await
        .click()
        .await
        .unwrap();
    click(c, "ask-yes").await;
    text_of(c, "setup-username").await;

    // No way into the PJSIP objects from the list either: the extension is not a link for a clerk.
    let links = c
        .find_all(Locator::Css(&format!(
            "{} a",
            css(&format!("phone-user-{first}"))
        )))
        .await
        .unwrap();
    assert!(links.is_empty(), "the clerk's row links to an object");

    // Rename in the row.
    in_row(c, &first, "rename").await.click().await.unwrap();
    type_into(c, "rename-input", "Clara Ng-Berg").await;
    click(c, "rename-save").await;
    wait_for_text(c, &format!("phone-user-{first}"), "Clara Ng-Berg").await;
    std::fs::write(
        artifacts().join("clerk-list.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // Two selected users deleted at once, after one question for both.
    type_into(c, "phone-user-search", &prefix).await;
    wait_for_text(c, "page-of", "150 phone users").await;
    for e in &exts[148..] {
        in_row(c, e, "select-user").await.click().await.unwrap();
    }
    wait_for_text(c, "bulk", "2 selected").await;
    click(c, "bulk-delete").await;
    let question = wait_for_text(c, "ask-text", "these 2 users").await;
    assert!(question.contains("cannot be undone"), "{question}");
    assert_eq!(
        stack.on_asterisk(&format!("endpoint/{}", exts[0])).await.0,
        200
    );
    click(c, "ask-yes").await;
    wait_for_text(c, "page-of", "148 phone users").await;
    for e in &exts[148..] {
        assert_eq!(
            stack.on_asterisk(&format!("endpoint/{e}")).await.0,
            404,
            "{e}"
        );
    }
    // The clerk's home says who is online and whose phone is not.
    c.goto(&format!("{}/", stack.conjure)).await.unwrap();
    wait_for_text(
        c,
        "home-phone-users",
        "150 phone users, 1 with a phone online now",
    )
    .await;
    let offline = text_of(c, "home-offline").await;
    assert!(
        offline.contains("Dan Oy") && !offline.contains("Clara"),
        "{offline}"
    );
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}

/// A template change shows, before anything is sent, what it sets on the endpoint; it is applied only
/// after "yes".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_change_shows_what_it_will_set_first() {
    let stack = stack(Mode::Asterisk).await;
    let ext = stack.up.id("32");
    stack
        .as_admin(
            reqwest::Method::POST,
            "/api/phone-users",
            json!({ "extension": ext, "name": "Eva Li" }),
        )
        .await;
    let templates: serde_json::Value = serde_json::from_str(
        &stack
            .as_admin(reqwest::Method::GET, "/api/templates", json!(null))
            .await,
    )
    .unwrap();
    let mut sales = templates[0].clone();
    sales["name"] = json!("sales");
    sales["builtin"] = json!(false);
    let endpoint = sales["fields"]["endpoint"].as_array_mut().unwrap();
    endpoint.retain(|f| f["attribute"] != "context");
    endpoint.push(json!({ "attribute": "context", "value": "sales-floor" }));
    stack
        .as_admin(reqwest::Method::PUT, "/api/templates/sales", sales)
        .await;

    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    c.goto(&format!("{}/phone-users", stack.conjure))
        .await
        .unwrap();
    type_into(c, "phone-user-search", &ext).await;
    let select = in_row(c, &ext, "user-template").await;
    select.select_by_value("sales").await.unwrap();
    let preview = text_of(c, "ask-preview").await;
    assert!(
        preview.contains("endpoint context") && preview.contains("sales-floor"),
        "{preview}"
    );
    assert!(
        !stack
            .on_asterisk(&format!("endpoint/{ext}"))
            .await
            .1
            .contains("sales-floor")
    );
    click(c, "ask-yes").await;
    for _ in 0..50 {
        if stack
            .on_asterisk(&format!("endpoint/{ext}"))
            .await
            .1
            .contains("sales-floor")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        stack
            .on_asterisk(&format!("endpoint/{ext}"))
            .await
            .1
            .contains("sales-floor")
    );
    driver.client.clone().close().await.unwrap();
    stack.up.sweep().await;
}
