//! Provisioning as a receptionist does it, in Chromium: the wizard, then a spreadsheet of five rows of
//! which two are bad (the check names both, the import makes the other three), then a bigger file whose
//! progress bar is seen moving, and a delete from the list.

use std::time::Duration;

use e2e::page::{choose_file, click, css, text_of, type_into, wait_for_text};
use e2e::{artifacts, stack_with};
use fantoccini::Locator;
use model::api::Mode;

async fn status_on_asterisk(stack: &e2e::Stack, path: &str) -> u16 {
    stack.on_asterisk(path).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wizard_then_spreadsheet_then_list() {
    let stack = stack_with(Mode::Asterisk, |mut s| {
        s.domain.provision_concurrency = 1;
        s
    })
    .await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let anna = stack.up.id("2041");
    let five = ["3001", "3002", "3003", "3005"].map(|e| stack.up.id(e));
    let [bo, cy, di, ed] = &five;
    let first_big = stack.up.id("4");

    c.goto(&format!("{}/phone-users/new", stack.conjure))
        .await
        .unwrap();
    // The backend's rules as one types: a bad extension is named before anything is sent.
    type_into(c, "pu-extension", "20 41").await;
    let problem = c
        .wait()
        .for_element(Locator::Css("#pu-extension-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(problem.contains("not a usable extension"), "{problem}");
    let create = c.find(Locator::Css(&css("pu-create"))).await.unwrap();
    assert!(
        create.attr("disabled").await.unwrap().is_some(),
        "creating waits for a good extension"
    );
    type_into(c, "pu-extension", &anna).await;
    type_into(c, "pu-name", "Anna Berg").await;
    click(c, "pu-voicemail").await;
    click(c, "pu-create").await;
    assert_eq!(text_of(c, "setup-username").await, anna);
    // No --sip-server in this stack: the card says so instead of showing the ARI URL's 127.0.0.1.
    let server = text_of(c, "setup-server").await;
    assert!(server.starts_with("not set"), "{server}");
    let (_, endpoint) = stack.on_asterisk(&format!("endpoint/{anna}")).await;
    assert!(
        endpoint.contains(&format!(r#""mailboxes","value":"{anna}@default""#)),
        "the checkbox gives a box numbered like the extension: {endpoint}"
    );
    assert_eq!(
        text_of(c, "setup-password").await.len(),
        20,
        "a generated password is shown once"
    );
    click(c, "copy-setup").await;
    wait_for_text(c, "copy-setup", "Copied").await;
    std::fs::write(
        artifacts().join("phone-user-ready.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    for ty in ["auth", "aor", "endpoint"] {
        assert_eq!(
            status_on_asterisk(&stack, &format!("{ty}/{anna}")).await,
            200,
            "{ty}"
        );
    }

    // Five rows, two bad: a short password (line 3) and an extension twice (line 5).
    c.goto(&format!("{}/phone-users/import", stack.conjure))
        .await
        .unwrap();
    choose_file(
        c,
        "five.csv",
        &format!(
            "name;extension;password\nBo;{bo};\nCy;{cy};short\nDi;{di};\nBo again;{bo};\nEd;{ed};\n"
        ),
    )
    .await;
    click(c, "import-check").await;
    let report = wait_for_text(c, "import-report", "5 rows: 3 ready").await;
    assert!(report.contains("2 with problems"), "{report}");
    let errors = text_of(c, "import-errors").await;
    assert!(
        errors.contains("3 password") && errors.contains("5 extension"),
        "{errors}"
    );
    assert_eq!(
        status_on_asterisk(&stack, &format!("auth/{bo}")).await,
        404,
        "checking changes nothing"
    );
    click(c, "import-apply").await;
    wait_for_text(
        c,
        "import-status",
        "Finished. 100% · 3 created, 0 skipped, 0 failed, 2 not imported of 5",
    )
    .await;
    std::fs::write(
        artifacts().join("import-done.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    for ext in [bo, di, ed] {
        for ty in ["auth", "aor", "endpoint"] {
            assert_eq!(
                status_on_asterisk(&stack, &format!("{ty}/{ext}")).await,
                200,
                "{ty}/{ext}"
            );
        }
    }
    assert_eq!(status_on_asterisk(&stack, &format!("auth/{cy}")).await, 404);

    // A bigger file, one row at a time: the bar is seen between empty and full.
    let mut big = String::from("extension,name\n");
    for i in 0..300 {
        let ext = format!("{first_big}{i:03}");
        stack.up.track(&ext);
        big.push_str(&format!("{ext},Person {i}\n"));
    }
    c.goto(&format!("{}/phone-users/import", stack.conjure))
        .await
        .unwrap();
    choose_file(c, "big.csv", &big).await;
    click(c, "import-check").await;
    wait_for_text(c, "import-report", "300 ready").await;
    click(c, "import-apply").await;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..400 {
        if let Ok(bar) = c.find(Locator::Css(&css("import-bar"))).await {
            let v: usize = bar
                .attr("value")
                .await
                .unwrap()
                .unwrap_or_default()
                .parse()
                .unwrap_or(0);
            seen.insert(v);
            if v == 300 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        seen.iter().filter(|v| **v > 0 && **v < 300).count() >= 2,
        "the bar moved through {seen:?}"
    );
    wait_for_text(c, "import-status", "300 created").await;

    // An admin adds a template (a copy of the default one) and the wizard offers it.
    c.goto(&format!("{}/templates", stack.conjure))
        .await
        .unwrap();
    type_into(c, "new-template-name", "reception").await;
    click(c, "add-template").await;
    text_of(c, "template-reception").await;
    c.goto(&format!("{}/phone-users/new", stack.conjure))
        .await
        .unwrap();
    wait_for_text(c, "pu-template", "reception").await;

    // The list, and a delete (endpoint, aor, auth) after the panel's question.
    c.goto(&format!("{}/phone-users", stack.conjure))
        .await
        .unwrap();
    type_into(c, "phone-user-search", "Anna").await;
    wait_for_text(c, "phone-users", "Anna Berg").await;
    c.find(Locator::Css(&format!(
        "{} {}",
        css(&format!("phone-user-{anna}")),
        css("delete-phone-user")
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    // Asked in the page, naming what happens to Anna's phone; nothing is gone before "yes".
    let question = wait_for_text(c, "ask-text", "Anna Berg's phone").await;
    assert!(question.contains("stop working"), "{question}");
    assert_eq!(
        status_on_asterisk(&stack, &format!("auth/{anna}")).await,
        200
    );
    click(c, "ask-yes").await;
    wait_for_text(c, "phone-users", "").await;
    for _ in 0..50 {
        if status_on_asterisk(&stack, &format!("auth/{anna}")).await == 404 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for ty in ["endpoint", "aor", "auth"] {
        assert_eq!(
            status_on_asterisk(&stack, &format!("{ty}/{anna}")).await,
            404,
            "{ty}"
        );
    }
    driver.client.clone().close().await.unwrap();
}
