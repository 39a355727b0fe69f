//! Not a test: `cargo xtask bench` runs it (`--ignored`) to measure the object browser with 10,000 objects:
//! the list API's median time, and the first render of the list page in headless Chromium.

use std::time::{Duration, Instant};

use e2e::stack;
use fantoccini::Locator;
use model::ObjectType;
use model::api::Mode;

const OBJECTS: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run by cargo xtask bench"]
async fn inventory_with_ten_thousand_objects() {
    let stack = stack(Mode::Asterisk).await;
    for i in 0..OBJECTS {
        stack
            .store
            .record(
                ObjectType::Auth,
                &format!("user-{i:05}"),
                vec![],
                vec!["password".into()],
                "bench",
            )
            .await
            .unwrap();
    }
    let http = reqwest::Client::new();
    let mut times = Vec::new();
    for i in 0..200 {
        let url = match i % 4 {
            0 => format!("{}/api/inventory/auth", stack.conjure),
            1 => format!(
                "{}/api/inventory/auth?sort=updated&descending=true&page=37",
                stack.conjure
            ),
            2 => format!("{}/api/inventory/auth?search=user-09", stack.conjure),
            _ => format!("{}/api/inventory/auth?page=200", stack.conjure),
        };
        let t = Instant::now();
        let r = http
            .get(&url)
            .basic_auth("admin", Some(e2e::ADMIN))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];

    let driver = e2e::signed_in(&stack).await;
    let c = &driver.client;
    let mut renders = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        c.goto(&format!("{}/objects/auth", stack.conjure))
            .await
            .unwrap();
        // WebDriver's default polling (every 250 ms) would round the figure up to its period.
        c.wait()
            .at_most(Duration::from_secs(20))
            .every(Duration::from_millis(5))
            .for_element(Locator::Css("[data-testid='inventory-row']"))
            .await
            .unwrap();
        renders.push(t.elapsed());
    }
    renders.sort();
    println!(
        "BENCH inventory: {OBJECTS} objects; list API median {:.2} ms, p95 {:.2} ms over 200 requests",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
    println!(
        "BENCH inventory: list page first render in Chromium (navigation to rows shown) median {:.0} ms over 5 loads",
        renders[2].as_secs_f64() * 1e3
    );
    driver.client.clone().close().await.unwrap();
}
