//! The typed forms in headless Chromium: an exact codec list, removing an identify match, a bad value
//! refused at its field before anything is sent.

use std::time::Duration;

use e2e::page::{click, css, show_all_options, type_into, wait_for_text};
use e2e::{artifacts, stack};
use fantoccini::{Client, Locator};
use model::api::Mode;

async fn attribute(stack: &e2e::Stack, path: &str, attr: &str) -> Option<Vec<String>> {
    let (status, body) = stack.on_asterisk(path).await;
    if status != 200 {
        return None;
    }
    let fields: serde_json::Value = serde_json::from_str(&body).unwrap();
    Some(
        fields
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["attribute"] == attr)
            .map(|f| f["value"].as_str().unwrap().to_string())
            .collect(),
    )
}

async fn save(c: &Client) -> String {
    click(c, "save").await;
    let diff = wait_for_text(c, "diff", "Changes to save").await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    diff
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codecs_are_exactly_what_the_form_shows_in_its_order() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let ep1 = stack.up.id("ep1");
    c.goto(&format!("{}/objects/endpoint/{ep1}", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    for codec in ["alaw", "g722"] {
        c.wait()
            .for_element(Locator::Css(&css("codec-add")))
            .await
            .unwrap()
            .select_by_value(codec)
            .await
            .unwrap();
        click(c, "codec-add-button").await;
    }
    save(c).await;
    assert_eq!(
        attribute(&stack, &format!("endpoint/{ep1}"), "allow")
            .await
            .unwrap(),
        vec!["(ulaw|alaw|g722)"]
    );

    click(c, "codec-up-g722").await;
    click(c, "codec-remove-ulaw").await;
    let diff = save(c).await;
    assert!(
        diff.contains("ulaw, alaw, g722") && diff.contains("g722, alaw"),
        "{diff}"
    );
    assert_eq!(
        attribute(&stack, &format!("endpoint/{ep1}"), "allow")
            .await
            .unwrap(),
        vec!["(g722|alaw)"]
    );
    std::fs::write(
        artifacts().join("endpoint-form.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // Removing the last codec is refused at the field and on save.
    click(c, "codec-remove-g722").await;
    click(c, "codec-remove-alaw").await;
    click(c, "save").await;
    wait_for_text(c, "error", "at least one codec").await;
    assert_eq!(
        attribute(&stack, &format!("endpoint/{ep1}"), "allow")
            .await
            .unwrap(),
        vec!["(g722|alaw)"]
    );
    driver.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_an_identify_match_recreates_it_after_confirmation() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let (ep1, office) = (stack.up.id("ep1"), stack.up.id("office"));
    stack
        .store
        .record(model::ObjectType::Endpoint, &ep1, vec![], vec![], "test")
        .await
        .unwrap();
    c.goto(&format!("{}/objects/identify/{office}", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    // The endpoint field suggests the endpoints Conjure knows.
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!(
            "datalist#refs-endpoint option[value='{ep1}']"
        )))
        .await
        .expect("ep1 is suggested for identify.endpoint");
    type_into(c, "value-endpoint", &ep1).await;
    for m in ["127.0.0.5", "10.1.0.0/16"] {
        type_into(c, "list-add-match", m).await;
        click(c, "list-add-button-match").await;
    }
    save(c).await;
    assert_eq!(
        attribute(&stack, &format!("identify/{office}"), "match")
            .await
            .unwrap(),
        vec!["127.0.0.5/255.255.255.255", "10.1.0.0/255.255.0.0"]
    );

    click(c, "list-remove-match-0").await;
    click(c, "save").await;
    wait_for_text(
        c,
        "replace-warning",
        "deletes the object and creates it again",
    )
    .await;
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    assert_eq!(
        attribute(&stack, &format!("identify/{office}"), "match")
            .await
            .unwrap(),
        vec!["10.1.0.0/255.255.0.0"]
    );
    assert_eq!(
        attribute(&stack, &format!("identify/{office}"), "endpoint")
            .await
            .unwrap(),
        vec![ep1.clone()]
    );
    driver.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_value_is_flagged_at_its_field_and_nothing_is_sent() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let desk = stack.up.id("desk");
    c.goto(&format!("{}/objects/aor/{desk}", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    type_into(c, "value-qualify_frequency", "90000").await;
    wait_for_text(c, "error-qualify_frequency", "must be between 0 and 86400").await;
    click(c, "save").await;
    wait_for_text(c, "error", "qualify_frequency").await;
    assert!(
        c.find(Locator::Css(&css("diff"))).await.is_err(),
        "no diff for a form with errors"
    );
    assert_eq!(
        attribute(&stack, &format!("aor/{desk}"), "qualify_frequency").await,
        None,
        "nothing reached Asterisk"
    );
    std::fs::write(
        artifacts().join("invalid-value.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    type_into(c, "value-qualify_frequency", "60").await;
    save(c).await;
    assert_eq!(
        attribute(&stack, &format!("aor/{desk}"), "qualify_frequency")
            .await
            .unwrap(),
        vec!["60"]
    );
    driver.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trap_is_explained_before_saving() {
    let stack = stack(Mode::Asterisk).await;
    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let trap = stack.up.id("trap");
    c.goto(&format!("{}/objects/endpoint/{trap}", stack.conjure))
        .await
        .unwrap();
    click(c, "create").await;
    show_all_options(c).await;
    type_into(c, "option-filter", "set_var").await;
    type_into(c, "value-set_var", "X=1").await;
    wait_for_text(c, "warning-set_var", "cannot be updated over ARI again").await;
    click(c, "save").await;
    let cautions = wait_for_text(c, "cautions", "set_var").await;
    assert!(
        cautions.contains("only delete and re-create work"),
        "{cautions}"
    );
    click(c, "confirm-save").await;
    wait_for_text(c, "notice", "Saved").await;
    driver.client.clone().close().await.unwrap();
}
