//! A crowd of viewers against a slow Asterisk (100 ms an answer, as a loaded remote one), over real
//! sockets: the pages they poll (drift, status, endpoint states) cost Asterisk one read at a time
//! between them, so an admin's save still goes through and the watcher never takes the crowd for an
//! outage.

mod common;

use std::time::Duration;

use asterisk_sim::Sim;
use common::{ADMIN, Upstream};
use conjure::AriTarget;
use serde_json::json;
use testbed::panel::Panel;

async fn served_slow(up: &Upstream) -> String {
    common::served_running_on(AriTarget {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        max_connections: 4,
        ..AriTarget::plain(up.base.clone(), &up.user, &up.password)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_viewers_polling_do_not_starve_a_save_or_the_watcher() {
    let up = Upstream::simulated(Sim::default()).await;
    let url = served_slow(&up).await;
    let panel = Panel::admin(&url, ADMIN);
    let put = |id: String| {
        let panel = panel.clone();
        async move {
            let body = json!({"fields": [{"attribute": "max_contacts", "value": "2"}]});
            panel
                .put(&format!("/api/objects/aor/{id}"), body)
                .await
                .status
        }
    };
    for i in 0..20 {
        assert_eq!(put(up.id(&format!("flood{i}"))).await, 200);
    }
    // The watcher has looked once: from here on, any "down" it says is the crowd's doing.
    common::status_until(&url, |s| {
        s["watch"]
            .as_str()
            .is_some_and(|w| w.contains("Conjure started"))
    })
    .await;
    up.sim()
        .unwrap()
        .set_delays(Duration::from_millis(100), Duration::ZERO);

    let until = tokio::time::Instant::now() + Duration::from_secs(5);
    let (answered, mut answers) = tokio::sync::watch::channel(0usize);
    let answered = std::sync::Arc::new(answered);
    let mut crowd = tokio::task::JoinSet::new();
    for v in 0..64 {
        let (panel, answered) = (panel.clone(), answered.clone());
        crowd.spawn(async move {
            let path = ["/api/drift", "/api/status", "/api/endpoint-states"][v % 3];
            let mut served = 0u32;
            while tokio::time::Instant::now() < until {
                served += u32::from(panel.get(path).await.status == 200);
                answered.send_modify(|n| *n += 1);
            }
            served
        });
    }
    // What the watcher says meanwhile, read as the status bar reads it (each answer at its next change).
    let watched = {
        let (http, url) = (reqwest::Client::new(), url.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut seq: Option<u64> = None;
            while tokio::time::Instant::now() < until {
                let mut req = http
                    .get(format!("{url}/api/status"))
                    .basic_auth("admin", Some(ADMIN))
                    .timeout(Duration::from_secs(6));
                if let Some(s) = seq {
                    req = req.query(&[("wait", s)]);
                }
                let Ok(r) = req.send().await else { break };
                let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
                seq = v["seq"].as_u64();
                seen.push(v["watch"].as_str().unwrap_or_default().to_string());
            }
            seen
        })
    };
    // An admin's save in the middle of the crowd, once it has been answered 64 times.
    answers.wait_for(|n| *n >= 64).await.unwrap();
    assert_eq!(put(up.id("flood-save")).await, 200, "the save went through");
    let mut served = 0;
    while let Some(n) = crowd.join_next().await {
        served += n.unwrap();
    }
    assert!(served > 64, "the viewers were answered too ({served})");
    let seen = watched.await.unwrap();
    assert!(
        seen.iter().all(|w| !w.contains("down")),
        "the watcher took the crowd for an outage: {seen:?}"
    );
}

/// Ten open tabs polling the phone users' online column at once against a slow Asterisk: one
/// `GET /ari/endpoints/PJSIP` between them. Five endpoint pages opened and five drift checks at once,
/// each wanting a list read after it asked: at most two more (the one under way when they asked, and
/// one read for all of them). An endpoint Conjure saves next is in the very next reading (the save
/// forgets the kept list).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reader_of_the_endpoint_list_shares_one_request() {
    const LIST: &str = "/ari/endpoints/PJSIP";
    let up = Upstream::simulated(Sim::default()).await;
    let sim = up.sim().unwrap().clone();
    let panel = Panel::admin(common::served_running(&up).await, ADMIN);
    let get = |path: &'static str| {
        let panel = panel.clone();
        async move { panel.get(path).await.parts() }
    };
    sim.set_delays(Duration::from_millis(200), Duration::ZERO);
    let before = sim.asked(LIST);
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..10 {
        readers.spawn(get("/api/endpoint-states"));
    }
    while let Some(r) = readers.join_next().await {
        let (status, body) = r.unwrap();
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(sim.asked(LIST) - before, 1, "one read for all ten tabs");
    for _ in 0..5 {
        readers.spawn(get("/api/drift"));
        readers.spawn(get("/api/inventory/endpoint"));
    }
    while let Some(r) = readers.join_next().await {
        let (status, body) = r.unwrap();
        assert_eq!(status, 200, "{body}");
    }
    let more = sim.asked(LIST) - before - 1;
    assert!(
        (1..=2).contains(&more),
        "{more} reads for ten who wanted a fresh list"
    );

    sim.set_delays(Duration::ZERO, Duration::ZERO);
    let id = up.id("shared-list");
    let ulaw = json!({"fields": [{"attribute": "allow", "value": "ulaw"}]});
    let saved = panel
        .put(&format!("/api/objects/endpoint/{id}"), ulaw)
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let (status, states) = get("/api/endpoint-states").await;
    assert_eq!(status, 200);
    assert!(
        states.get(&id).is_some(),
        "{id} is listed at once: {states}"
    );
}
