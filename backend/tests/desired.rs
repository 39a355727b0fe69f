//! Conjure keeps Asterisk equal to what it pushed: the real binary, its watcher and a simulator that is
//! restarted under it. Objects Asterisk loses (memory-backed, and auths on a server that keeps them in
//! memory) come back with their secrets; the secrets appear nowhere but on Asterisk and sealed in the
//! database; a wrong or loose key file stops the start.

mod common;

use asterisk_sim::{Backend, Sim};
use common::{ADMIN, Upstream, on_asterisk, skip_on_real};
use serde_json::json;
use testbed::panel::{Panel, Reply};

/// A save of `body` (JSON as the test wrote it) by the admin.
async fn put(url: &str, path: &str, body: &str) -> Reply {
    Panel::admin(url, ADMIN)
        .raw("PUT", path, Some(("application/json", body.to_string())))
        .await
}

fn idle(v: &serde_json::Value) -> bool {
    let w = v["watch"].as_str().unwrap_or_default();
    w.contains("restored") && !w.contains("reconciling")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_asterisk_gets_back_what_conjure_manages() {
    if skip_on_real("restarts the server") {
        return;
    }
    // Auths in memory too: after the restart only Conjure knows their passwords.
    let up = Upstream::simulated(Sim::default().with_backends([("auth", Backend::Memory)])).await;
    let sim = up.sim().unwrap().clone();
    let dir = std::env::temp_dir().join(format!("conjure-desired-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("conjure.log");
    let data = dir.join("data");
    let bin = common::binary_with(&up, &data, &["--watch-interval-ms", "100"], Some(&log)).await;
    // The first check, at Conjure's start, finds nothing to do.
    common::status_until(&bin.url, idle).await;

    let (alias, ident, lone, ext) = (
        up.id("alias"),
        up.id("office"),
        up.id("lone"),
        up.id("2041"),
    );
    let steps = [
        (format!("/api/objects/domain_alias/{alias}"), r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#.to_string()),
        (format!("/api/objects/auth/{lone}"), r#"{"fields":[{"attribute":"username","value":"lone"},{"attribute":"password","value":"lone-secret-4711"}]}"#.to_string()),
    ];
    for (path, body) in &steps {
        let r = put(&bin.url, path, body).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    let panel = Panel::admin(&bin.url, ADMIN);
    let user = panel
        .post(
            "/api/phone-users",
            json!({"extension": ext, "name": "Anna"}),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.text);
    let phone_password = user.json["password"].as_str().unwrap().to_string();
    let identify = format!(
        r#"{{"fields":[{{"attribute":"endpoint","value":"{ext}"}},{{"attribute":"match","value":"192.0.2.10"}}]}}"#
    );
    let r = put(
        &bin.url,
        &format!("/api/objects/identify/{ident}"),
        &identify,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let before = common::status_until(&bin.url, idle).await;
    sim.restart();
    assert_eq!(
        on_asterisk(&up, &format!("identify/{ident}")).await.0,
        404,
        "memory objects are gone"
    );
    assert_eq!(on_asterisk(&up, &format!("auth/{ext}")).await.0, 404);
    let after = common::status_until(&bin.url, |v| {
        idle(v) && v["watch"].as_str().unwrap().contains("restarted") && v["seq"] != before["seq"]
    })
    .await;
    let line = after["watch"].as_str().unwrap();
    assert!(line.contains("restored"), "{line}");

    for path in [
        format!("domain_alias/{alias}"),
        format!("identify/{ident}"),
        format!("auth/{lone}"),
        format!("auth/{ext}"),
        format!("aor/{ext}"),
        format!("endpoint/{ext}"),
    ] {
        assert_eq!(on_asterisk(&up, &path).await.0, 200, "{path} is back");
    }
    let (_, auth) = on_asterisk(&up, &format!("auth/{lone}")).await;
    assert!(
        auth.contains("lone-secret-4711"),
        "the password came back: {auth}"
    );
    let (_, auth) = on_asterisk(&up, &format!("auth/{ext}")).await;
    assert!(
        auth.contains(&phone_password),
        "the phone's password came back"
    );
    let (_, ep) = on_asterisk(&up, &format!("endpoint/{ext}")).await;
    assert!(ep.contains("Anna"), "{ep}");

    // One audit entry for the reconcile, one per object pushed again; never a secret.
    let audit = panel.get("/api/audit?limit=200").await.text;
    assert!(
        audit.contains("restarted at") && audit.contains("\"restore\""),
        "{audit}"
    );
    let mut answers = audit;
    for path in [
        "/api/status",
        "/api/inventory/auth",
        &format!("/api/objects/auth/{lone}"),
        "/api/audit.csv",
    ] {
        answers.push_str(&panel.get(path).await.text);
    }
    drop(bin);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&data).unwrap() {
        files.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("reconcile finished"),
        "the test must see the log: {logged}"
    );
    for secret in ["lone-secret-4711", phone_password.as_str()] {
        assert!(!answers.contains(secret), "'{secret}' in an answer");
        assert!(!logged.contains(secret), "'{secret}' in the log");
        assert!(
            !files.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "'{secret}' in the data directory"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Conjure must never start sealing under a key that does not open what is sealed already, nor use a
/// key that others can read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_loose_key_file_stops_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let up = Upstream::simulated(Sim::default()).await;
    let dir = std::env::temp_dir().join(format!("conjure-key-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let key = dir.join("secret.key");
    {
        let _first = common::binary(&up, &dir).await;
    }
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600,
        "made private at the first start"
    );
    // A start that should fail and does not would run forever: bounded, and killed then.
    let start = || async {
        let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_conjure"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--ari-url",
                &up.base,
                "--data-dir",
            ])
            .arg(&dir)
            .env("CONJURE_ARI_PASSWORD", &up.password)
            .kill_on_drop(true)
            .output();
        tokio::time::timeout(std::time::Duration::from_secs(30), run)
            .await
            .expect("conjure started although its key file is wrong")
            .unwrap()
    };
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = start().await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("chmod 600"), "{err}");

    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = start().await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && err.contains("is not the key this data directory's secrets were sealed with"),
        "{err}"
    );
    std::fs::write(&key, "short\n").unwrap();
    let out = start().await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("64 hexadecimal digits"),
        "{err}"
    );
    // A key file that went missing is not made anew: a new key would not open the secrets, and left
    // on disk it would pass for the right one at the next start.
    std::fs::remove_file(&key).unwrap();
    let out = start().await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("is missing"), "{err}");
    assert!(!key.exists(), "no key was left behind");
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn drift(url: &str) -> serde_json::Value {
    let r = Panel::admin(url, ADMIN).get("/api/drift").await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

async fn act(url: &str, action: &str, ty: &str, id: &str) -> serde_json::Value {
    let body = serde_json::json!({"action": action, "items": [{"type": ty, "id": id}]});
    let v = Panel::admin(url, ADMIN).post("/api/drift", body).await.json;
    assert_eq!(v[0]["ok"], true, "{action} {ty}/{id}: {v}");
    v
}

/// On Asterisk directly, behind Conjure's back.
async fn behind(up: &Upstream, method: reqwest::Method, path: &str, body: Option<&str>) -> u16 {
    let mut req = up
        .http()
        .request(
            method,
            format!("{}/ari/asterisk/config/dynamic/res_pjsip/{path}", up.base),
        )
        .basic_auth(&up.user, Some(&up.password));
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn drift_is_found_field_by_field_and_each_kind_can_be_settled() {
    let (url, up) = common::served(|s| s).await;
    let (ident, lone, alias, ext, legacy) = (
        up.id("office"),
        up.id("lone"),
        up.id("alias"),
        up.id("2041"),
        up.id("legacy"),
    );
    let ident_body = r#"{"fields":[{"attribute":"endpoint","value":"x"},{"attribute":"match","value":"192.0.2.10"}]}"#;
    for (path, body) in [
        (format!("/api/objects/identify/{ident}"), ident_body),
        (
            format!("/api/objects/auth/{lone}"),
            r#"{"fields":[{"attribute":"username","value":"lone"},{"attribute":"password","value":"drift-pw-1"}]}"#,
        ),
        (
            format!("/api/objects/domain_alias/{alias}"),
            r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#,
        ),
    ] {
        assert_eq!(put(&url, &path, body).await.status, 200, "{path}");
    }
    let user = Panel::admin(&url, ADMIN)
        .post(
            "/api/phone-users",
            json!({"extension": ext, "name": "Anna"}),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.text);

    // Nobody touched anything: nothing differs, not even the endpoint's 150 options.
    let v = drift(&url).await;
    let mine = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                [&ident, &lone, &alias, &ext, &legacy]
                    .iter()
                    .any(|id| i["id"] == id.as_str())
            })
            .cloned()
            .collect()
    };
    assert_eq!(v["checked"], 6, "{v}");
    assert!(mine(&v).is_empty(), "{v}");

    use reqwest::Method;
    let match_two = r#"{"fields":[{"attribute":"match","value":"192.0.2.99"}]}"#;
    assert_eq!(
        behind(
            &up,
            Method::PUT,
            &format!("identify/{ident}"),
            Some(match_two)
        )
        .await,
        200
    );
    let new_pw = r#"{"fields":[{"attribute":"password","value":"drift-pw-2"}]}"#;
    assert_eq!(
        behind(&up, Method::PUT, &format!("auth/{lone}"), Some(new_pw)).await,
        200
    );
    assert_eq!(
        behind(&up, Method::DELETE, &format!("domain_alias/{alias}"), None).await,
        204
    );
    let ep = r#"{"fields":[{"attribute":"allow","value":"ulaw"}]}"#;
    assert_eq!(
        behind(&up, Method::PUT, &format!("endpoint/{legacy}"), Some(ep)).await,
        200
    );

    let v = drift(&url).await;
    let text = v.to_string();
    assert!(
        !text.contains("drift-pw-1") && !text.contains("drift-pw-2"),
        "{text}"
    );
    let state = |id: &str| {
        mine(&v)
            .into_iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {v}"))
    };
    let i = state(&ident);
    assert_eq!(i["state"], "different");
    assert_eq!(i["differences"][0]["attribute"], "match", "{i}");
    assert!(
        i["differences"][0]["asterisk"]
            .as_str()
            .unwrap()
            .contains("192.0.2.99")
    );
    let a = state(&lone);
    assert_eq!(
        (
            a["state"].as_str(),
            a["differences"][0]["attribute"].as_str()
        ),
        (Some("different"), Some("password"))
    );
    assert_eq!(state(&alias)["state"], "missing");
    assert_eq!(state(&legacy)["state"], "unmanaged");
    assert_eq!(mine(&v).len(), 4, "{v}");

    act(&url, "reapply", "identify", &ident).await;
    act(&url, "reapply", "domain_alias", &alias).await;
    act(&url, "adopt", "auth", &lone).await;
    act(&url, "adopt", "endpoint", &legacy).await;
    let (_, now) = on_asterisk(&up, &format!("identify/{ident}")).await;
    assert!(
        !now.contains("192.0.2.99"),
        "the added match is gone again: {now}"
    );
    assert_eq!(
        on_asterisk(&up, &format!("domain_alias/{alias}")).await.0,
        200
    );
    let v = drift(&url).await;
    assert!(mine(&v).is_empty(), "all settled: {v}");
    assert_eq!(v["checked"], 7);

    act(&url, "forget", "endpoint", &legacy).await;
    let v = drift(&url).await;
    assert_eq!(v["checked"], 6);
    assert_eq!(
        mine(&v)[0]["state"],
        "unmanaged",
        "forgotten, still on Asterisk: {v}"
    );
}

/// Asterisk restarts again while Conjure is putting things back: the reconcile starts over, and
/// everything is there in the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_during_a_reconcile_starts_it_over() {
    if skip_on_real("restarts the server") {
        return;
    }
    let up = Upstream::simulated(Sim::default()).await;
    let sim = up.sim().unwrap().clone();
    let (url, _) = {
        let base = up.base.clone();
        let (user, password) = (up.user.clone(), up.password.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = conjure::AppState::new(
            conjure::ari::AriClient::new(common::target(&base, &user, &password)).unwrap(),
            model::api::Mode::Asterisk,
            Some(conjure::Secret::from(ADMIN)),
            "/nonexistent".into(),
            conjure::store::Store::in_memory().unwrap(),
        );
        conjure::desired::watch::spawn(state.domain.clone(), std::time::Duration::from_millis(50));
        tokio::spawn(conjure::serve(listener, state, std::future::pending()));
        (url, ())
    };
    common::status_until(&url, idle).await;
    let ids = forty_aliases_then_a_slow_restart(&url, &up).await;
    sim.restart();
    // Done when the reconcile of the second start has finished (what the first one pushed into the
    // second run of Asterisk before it was stopped counts as present then).
    let second = format!("Asterisk restarted at {}", sim.startup_time());
    common::status_until(&url, |v| {
        idle(v) && v["watch"].as_str().unwrap().contains(&second)
    })
    .await;
    for id in &ids {
        assert_eq!(
            on_asterisk(&up, &format!("domain_alias/{id}")).await.0,
            200,
            "{id}"
        );
    }
}

/// An inventory from before Conjure kept secrets: the objects are "secret unknown" until Conjure reads
/// their secrets from Asterisk, which the first check does while Asterisk still has them; from then on
/// they come back after a restart like the others. One Conjure cannot push is reported, and the rest go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_recorded_before_they_were_kept_are_read_from_asterisk() {
    if skip_on_real("restarts the server") {
        return;
    }
    let up = Upstream::simulated(Sim::default().with_backends([("auth", Backend::Memory)])).await;
    let sim = up.sim().unwrap().clone();
    let (old, gone) = (up.id("old"), up.id("gone"));
    let auth = |pw: &str| {
        format!(
            r#"{{"fields":[{{"attribute":"username","value":"u"}},{{"attribute":"password","value":"{pw}"}}]}}"#
        )
    };
    // Pushed by an older Conjure: on Asterisk, and in the inventory without the secret.
    assert_eq!(
        behind(
            &up,
            reqwest::Method::PUT,
            &format!("auth/{old}"),
            Some(&auth("legacy-pw-1"))
        )
        .await,
        200
    );
    let store = conjure::store::Store::in_memory().unwrap();
    for id in [&old, &gone] {
        store
            .record(
                model::ObjectType::Auth,
                id,
                vec![model::Field::new("username", "u")],
                vec!["password".into()],
                "admin",
            )
            .await
            .unwrap();
    }
    assert_eq!(store.secrets_unknown().await.unwrap(), 2);
    let state = conjure::AppState::new(
        conjure::ari::AriClient::new(common::target_of(&up)).unwrap(),
        model::api::Mode::Asterisk,
        Some(conjure::Secret::from(ADMIN)),
        "/nonexistent".into(),
        store.clone(),
    );
    let first = conjure::desired::reconcile::run(&state, "Conjure started")
        .await
        .unwrap();
    assert_eq!(
        (first.secrets_captured, first.restored),
        (1, 0),
        "{first:?}"
    );
    // `gone` is neither on Asterisk nor known: reported, in words.
    assert_eq!(first.failed.len(), 1);
    assert!(
        first.failed[0].message.contains("set it again"),
        "{:?}",
        first.failed
    );
    assert_eq!(store.secrets_unknown().await.unwrap(), 1);
    // A sealed value that does not open (another key sealed it, or the database was altered): that
    // object is reported, the others are restored.
    let row = store
        .managed_one(model::ObjectType::Auth, &gone)
        .await
        .unwrap()
        .unwrap();
    let other_key = conjure::seal::SealKey::ephemeral();
    let foreign = other_key.seal(
        &format!("auth/{gone}"),
        br#"[{"attribute":"password","value":"x"}]"#,
    );
    store
        .capture_sealed(model::ObjectType::Auth, &gone, row.version, &foreign)
        .await
        .unwrap();

    sim.restart();
    let second = conjure::desired::reconcile::run(&state, "Asterisk restarted")
        .await
        .unwrap();
    assert_eq!(second.restored, 1, "{second:?}");
    assert_eq!(second.failed.len(), 1, "{second:?}");
    assert!(
        second.failed[0].message.contains("do not open"),
        "{:?}",
        second.failed
    );
    let (_, body) = on_asterisk(&up, &format!("auth/{old}")).await;
    assert!(
        body.contains("legacy-pw-1"),
        "restored with the secret read earlier: {body}"
    );
}

/// Conjure is killed (SIGKILL) in the middle of putting things back; the next start finishes the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conjure_killed_during_a_reconcile_finishes_it_at_the_next_start() {
    if skip_on_real("restarts the server") {
        return;
    }
    let up = Upstream::simulated(Sim::default()).await;
    let sim = up.sim().unwrap().clone();
    let dir = std::env::temp_dir().join(format!("conjure-killed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let flags = ["--watch-interval-ms", "50"];
    let ids;
    {
        let bin = common::binary_with(&up, &dir, &flags, None).await;
        common::status_until(&bin.url, idle).await;
        ids = forty_aliases_then_a_slow_restart(&bin.url, &up).await;
        // Dropped: SIGKILL, mid-reconcile.
    }
    let missing = || async {
        let mut n = 0;
        for id in &ids {
            if on_asterisk(&up, &format!("domain_alias/{id}")).await.0 == 404 {
                n += 1;
            }
        }
        n
    };
    assert!(missing().await > 0, "killed before it finished");
    sim.set_delays(std::time::Duration::ZERO, std::time::Duration::ZERO);
    let bin = common::binary_with(&up, &dir, &flags, None).await;
    let done = common::status_until(&bin.url, |v| {
        idle(v) && v["watch"].as_str().unwrap().contains("Conjure started")
    })
    .await;
    assert!(
        done["watch"]
            .as_str()
            .unwrap()
            .contains("of 40 objects restored"),
        "{done}"
    );
    assert_eq!(missing().await, 0);
    drop(bin);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Makes 40 (memory-kept) domain aliases through the Conjure at `url`, slows the simulator, restarts it
/// and returns once the reconcile is under way: a restart or a kill then lands in its middle.
async fn forty_aliases_then_a_slow_restart(url: &str, up: &Upstream) -> Vec<String> {
    let ids: Vec<String> = (0..40).map(|_| up.id("alias")).collect();
    for id in &ids {
        let path = format!("/api/objects/domain_alias/{id}");
        let r = put(
            url,
            &path,
            r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let sim = up.sim().unwrap();
    sim.set_delays(
        std::time::Duration::from_millis(15),
        std::time::Duration::ZERO,
    );
    sim.restart();
    common::status_until(url, |v| {
        v["watch"]
            .as_str()
            .unwrap_or_default()
            .contains("reconciling")
    })
    .await;
    ids
}
