//! What the phone-users page reads besides the list itself: pages in three orders, whether each phone is
//! online (Asterisk's own endpoint list), the extension the wizard offers, the sample file, and the audit
//! in words.

mod common;

use common::admin;
use common::harness;

async fn add(h: &common::Harness, ext: &str, name: &str) {
    let body = format!(r#"{{"extension":"{ext}","name":"{name}"}}"#);
    let r = admin(&h.app).post("/api/phone-users", &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
}

fn extensions(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["extension"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn users_sort_by_extension_as_numbers_by_name_and_by_creation() {
    let h = harness().await;
    // Made in this order; "10…" is the larger number though it sorts first as text.
    let big = h.up.id("10");
    let small = h.up.id("9");
    add(&h, &big, "carla").await;
    add(&h, &small, "Anna").await;
    let list = |q: &'static str| {
        let app = h.app.clone();
        async move {
            admin(&app)
                .get(&format!("/api/phone-users?{q}"))
                .await
                .json()
        }
    };
    assert_eq!(extensions(&list("").await), [small.clone(), big.clone()]);
    assert_eq!(
        extensions(&list("sort=extension&descending=true").await),
        [big.clone(), small.clone()]
    );
    // Names in any case: "Anna" before "carla".
    assert_eq!(
        extensions(&list("sort=name").await),
        [small.clone(), big.clone()]
    );
    assert_eq!(
        extensions(&list("sort=created").await),
        [big.clone(), small.clone()]
    );
    let bad = admin(&h.app).get("/api/phone-users?sort=colour").await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test]
async fn pages_hold_fifty_users_and_the_total_counts_them_all() {
    let h = harness().await;
    let prefix = h.up.id("7");
    let exts: Vec<String> = (0..55).map(|i| format!("{prefix}{i:02}")).collect();
    for e in &exts {
        h.up.track(e);
    }
    // An import makes them quickly, each with its auth, aor and endpoint.
    let mut csv = String::from("extension,name\n");
    for e in &exts {
        csv.push_str(&format!("{e},User {e}\n"));
    }
    common::import_and_wait(&h.app, &csv).await;
    let one = admin(&h.app).get("/api/phone-users?page=1").await.json();
    let two = admin(&h.app).get("/api/phone-users?page=2").await.json();
    assert_eq!(one["total"], 55);
    assert_eq!(extensions(&one), exts[..50]);
    assert_eq!(extensions(&two), exts[50..]);
}

#[tokio::test]
async fn a_phone_with_a_reachable_contact_shows_online_the_others_offline() {
    let h = harness().await;
    let on = h.up.id("61");
    let off = h.up.id("62");
    add(&h, &on, "On").await;
    add(&h, &off, "Off").await;
    // A permanent contact with qualify_frequency 0: Asterisk counts it reachable (REFERENCE.md), as it
    // does a registered phone's.
    let body = r#"{"fields":[{"attribute":"contact","value":"sip:phone@192.0.2.10:5060"},{"attribute":"qualify_frequency","value":"0"}]}"#;
    let r = admin(&h.app)
        .put(&format!("/api/objects/aor/{on}"), body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let states = admin(&h.app).get("/api/endpoint-states").await;
    assert_eq!(states.status, 200, "{}", states.text);
    let states = states.json();
    assert_eq!(states[&on], "online", "{states}");
    assert_eq!(states[&off], "offline", "{states}");
}

#[tokio::test]
async fn the_wizard_is_offered_the_extension_after_the_highest() {
    let h = harness().await;
    let next = || {
        let app = h.app.clone();
        async move { admin(&app).get("/api/next-extension").await.json() }
    };
    assert!(
        next().await["extension"].is_null(),
        "no users: no numbering to follow"
    );
    let base = h.up.id("4");
    let n: u64 = base.parse().unwrap();
    add(&h, &base, "First").await;
    add(&h, "not-a-number", "Named").await;
    let after = (n + 1).to_string();
    h.up.track(&after);
    assert_eq!(next().await["extension"], after.as_str());
    // An endpoint made by hand with that id is passed over.
    let r = admin(&h.app)
        .put(
            &format!("/api/objects/endpoint/{after}"),
            r#"{"fields":[{"attribute":"allow","value":"ulaw"}]}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(next().await["extension"], (n + 2).to_string().as_str());
    h.up.track(&(n + 2).to_string());
    admin(&h.app).delete("/api/phone-users/not-a-number").await;
}

#[tokio::test]
async fn the_sample_file_imports_as_it_is() {
    let h = harness().await;
    let r = admin(&h.app).get("/api/import-sample.csv").await;
    assert_eq!(r.status, 200);
    assert!(
        r.text
            .starts_with("\"extension\",\"name\",\"password\",\"template\",\"voicemail\""),
        "{}",
        r.text
    );
    let check = admin(&h.app)
        .post("/api/imports?dry_run=true", &r.text)
        .await;
    assert_eq!(check.status, 200, "{}", check.text);
    assert_eq!(
        (
            check.json()["rows"].as_u64(),
            check.json()["ready"].as_u64()
        ),
        (Some(2), Some(2)),
        "{}",
        check.text
    );
}

#[tokio::test]
async fn the_audit_reads_as_sentences() {
    let h = harness().await;
    let ext = h.up.id("52");
    add(&h, &ext, "Anna").await;
    let body = r#"{"fields":[{"attribute":"context","value":"sales"}]}"#;
    let r = admin(&h.app)
        .put(&format!("/api/objects/endpoint/{ext}"), body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let audit = admin(&h.app).get("/api/audit").await.json();
    let newest = audit[0]["summary"].as_str().unwrap();
    assert!(
        newest.starts_with(&format!("admin changed endpoint {ext}: context "))
            && newest.ends_with("→ sales"),
        "{newest}"
    );
}
