//! What a browser downloads on a first visit, read from Chromium's own resource timing entries (bytes on
//! the wire, headers included): the panel must arrive compressed and within its budget, and a second
//! visit must take the content-hashed files from the cache without asking. `cargo xtask bench` prints
//! the `BENCH` line.

use e2e::page::css;
use e2e::stack;
use fantoccini::Locator;
use model::api::Mode;

/// The first visit's budget: what the panel may cost a person on a slow line. 260 KB until issue 14
/// (259.9 KB used); its dashboard, dialogs, paged and bulk phone users, online states, save bar and
/// accessibility work measured about 293 KB, so the budget moved to 300 KB, on purpose and in the note.
/// Issue 24 folded the servers and drift pages (plain scripts beside the panel until then) into the
/// panel: one technology, one client, one dialog, for about 28 KB more (321 KB measured), so the budget
/// is 350 KB for the whole panel with every page in it.
const BUDGET: f64 = 350.0 * 1024.0;
/// A second visit: index.html and what the panel asks its API at start, nothing of the panel's files.
const REPEAT_BUDGET: f64 = 10.0 * 1024.0;

const ENTRIES: &str = "
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    return [nav].concat(res).map(e => ({
        name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize
    }));";

struct Entry {
    name: String,
    transfer: f64,
    encoded: f64,
    decoded: f64,
}

async fn entries(c: &fantoccini::Client) -> Vec<Entry> {
    let v = c.execute(ENTRIES, vec![]).await.unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| Entry {
            name: e["name"].as_str().unwrap().to_string(),
            transfer: e["transfer"].as_f64().unwrap(),
            encoded: e["encoded"].as_f64().unwrap(),
            decoded: e["decoded"].as_f64().unwrap(),
        })
        .collect()
}

async fn load_panel(c: &fantoccini::Client, url: &str) -> Vec<Entry> {
    c.goto(url).await.unwrap();
    // The sign-in form exists once the wasm has loaded and started.
    c.wait()
        .for_element(Locator::Css(&css("login-user")))
        .await
        .unwrap();
    entries(c).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_downloads_the_compressed_panel_within_budget() {
    let stack = stack(Mode::Asterisk).await;
    // A new profile: an empty cache, as on a first visit.
    let driver = e2e::browser().await;
    let c = &driver.client;
    let url = format!("{}/", stack.conjure);
    let first = load_panel(c, &url).await;
    let total: f64 = first.iter().map(|e| e.transfer).sum();
    let wasm = first
        .iter()
        .find(|e| e.name.ends_with(".wasm"))
        .expect("the panel's wasm was loaded");
    println!(
        "BENCH first visit: {:.1} KB received over {} requests (wasm {:.1} KB on the wire, {:.1} KB unpacked; budget {:.0} KB)",
        total / 1024.0,
        first.len(),
        wasm.transfer / 1024.0,
        wasm.decoded / 1024.0,
        BUDGET / 1024.0
    );
    for e in &first {
        println!(
            "  {:>8.1} KB  {}",
            e.transfer / 1024.0,
            e.name.rsplit('/').next().unwrap_or_default()
        );
    }
    assert!(
        wasm.encoded < wasm.decoded * 0.5,
        "the wasm arrived uncompressed: {} of {} bytes",
        wasm.encoded,
        wasm.decoded
    );
    assert!(
        total <= BUDGET,
        "a first visit received {total} bytes, over the budget of {BUDGET}"
    );

    // Again, as a person coming back: trunk's hashed files come from the cache, unasked.
    c.goto("about:blank").await.unwrap();
    let again = load_panel(c, &url).await;
    for e in again.iter().filter(|e| {
        e.name.ends_with(".wasm") || e.name.ends_with(".js") || e.name.ends_with(".css")
    }) {
        assert_eq!(e.transfer, 0.0, "{} was fetched again", e.name);
    }
    let repeat: f64 = again.iter().map(|e| e.transfer).sum();
    println!("BENCH repeat visit: {:.1} KB received", repeat / 1024.0);
    assert!(
        repeat <= REPEAT_BUDGET,
        "a repeat visit received {repeat} bytes, over the budget of {REPEAT_BUDGET}"
    );
    driver.client.clone().close().await.unwrap();
}
