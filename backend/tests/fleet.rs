//! The fleet through a real socket: servers added only once they prove themselves, a change sent to
//! every server with what happened on each, changes kept for a server that is down and applied in
//! order when it is back, reads from the first server that answers, and a removal that says what it
//! leaves behind. The extra servers are simulators (they are stopped and started); the default server
//! is the run's Asterisk where a test does not stop it.

mod common;

use asterisk_sim::{Backend, Sim};
use common::{ADMIN, Upstream, fleet_until, on_asterisk, served_running};
use serde_json::{Value, json};
use testbed::panel::Panel;

/// Adds `up` to the fleet as `name`, in the group `site-b`.
async fn add(panel: &Panel, name: &str, up: &Upstream) -> (u16, Value) {
    let mut server = json!({"name": name, "ari_url": up.base, "ari_user": up.user,
                            "ari_password": up.password, "groups": ["site-b"],
                            "confirm_secrets": true});
    if let Some(ca) = &up.ca_file {
        server["ca_file"] = json!(ca);
    }
    panel.post("/api/servers", server).await.parts()
}

fn auth(user: &str) -> Value {
    json!({"fields": [{"attribute": "username", "value": user},
                      {"attribute": "password", "value": "fleet-secret-1"}]})
}

fn outcome<'a>(answer: &'a Value, server: &str) -> &'a Value {
    answer["servers"]
        .as_array()
        .unwrap_or_else(|| panic!("no per-server outcomes: {answer}"))
        .iter()
        .find(|o| o["server"] == server)
        .unwrap_or_else(|| panic!("nothing for {server}: {answer}"))
}

#[tokio::test]
async fn a_server_joins_only_once_its_credentials_and_backends_work() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;

    let (status, added) = add(&panel, "site-b", &b).await;
    assert_eq!(status, 201, "{added}");
    let types = added["probe"]["types"].as_array().unwrap();
    assert!(types.iter().all(|t| t["writable"] == true), "{added}");
    assert!(types.iter().any(|t| t["type"] == "endpoint"));
    // The probe's throwaway objects are gone again.
    assert!(
        b.sim().unwrap().objects().is_empty(),
        "{:?}",
        b.sim().unwrap().objects()
    );

    // The same name, the same Asterisk, and the command line's name are refused.
    let (status, again) = add(&panel, "site-b", &b).await;
    assert_eq!(status, 409, "{again}");
    let (status, same) = add(&panel, "other", &b).await;
    assert_eq!(status, 409);
    assert!(
        same["message"].as_str().unwrap().contains("site-b"),
        "{same}"
    );
    let (status, default) = add(&panel, "default", &b).await;
    assert_eq!(status, 409, "{default}");

    // A wrong password: Asterisk's 401, said as such.
    let c = Upstream::simulated(Sim::default()).await;
    let (status, wrong) = panel
        .post(
            "/api/servers",
            json!({"name": "c", "ari_url": c.base, "ari_user": "asterisk", "ari_password": "nope"}),
        )
        .await
        .parts();
    assert_eq!(status, 422, "{wrong}");
    assert!(
        wrong["message"]
            .as_str()
            .unwrap()
            .contains("refused the ARI user 'asterisk'"),
        "{wrong}"
    );
    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (status, down) = panel
        .post("/api/servers", json!({"name": "d", "ari_url": format!("http://{closed}"), "ari_user": "a", "ari_password": "b"})).await.parts();
    assert_eq!(status, 502, "{down}");
    assert!(
        down["message"]
            .as_str()
            .unwrap()
            .starts_with("Conjure cannot reach that server"),
        "{down}"
    );
    // A sorcery.conf with every probed type in pjsip.conf only: not one type can be written.
    let read_only = Upstream::simulated(
        Sim::default().with_backends(
            [
                "endpoint",
                "auth",
                "aor",
                "identify",
                "registration",
                "domain_alias",
                "outbound-publish",
                "asterisk-publication",
                "contact",
            ]
            .map(|t| (t, Backend::Config)),
        ),
    )
    .await;
    let (status, none) = add(&panel, "e", &read_only).await;
    assert_eq!(status, 422, "{none}");
    assert!(
        none["hint"].as_str().unwrap().contains("sorcery.conf"),
        "{none}"
    );
    // A URL that is not one, a name with spaces.
    let (status, url) = panel
        .post(
            "/api/servers",
            json!({"name": "f", "ari_url": "pbx:8088", "ari_user": "a", "ari_password": "b"}),
        )
        .await
        .parts();
    assert_eq!(status, 400, "{url}");
    assert!(
        url["message"].as_str().unwrap().starts_with("ari_url:"),
        "{url}"
    );

    // Listed without its password; the audit has the addition and no password either.
    let (_, list) = panel.get("/api/servers").await.parts();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "site-b"]);
    assert_eq!(list[1]["groups"], json!(["site-b"]));
    assert!(list[1].get("ari_password").is_none(), "{list}");
    let (_, audit) = panel.get("/api/audit?type=server").await.parts();
    assert!(audit.to_string().contains("server-add"), "{audit}");

    // A user that may only read is refused before anything is stored.
    let (status, viewer) = panel
        .post(
            "/api/servers",
            json!({"name": "g", "ari_url": c.base, "ari_user": "viewer", "ari_password": "viewer"}),
        )
        .await
        .parts();
    assert_eq!(status, 422, "{viewer}");
    assert!(
        viewer["message"]
            .as_str()
            .unwrap()
            .contains("may only read"),
        "{viewer}"
    );
    let (_, list) = panel.get("/api/servers").await.parts();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    up.sweep().await;
}

#[tokio::test]
async fn a_change_reaches_every_server_and_waits_in_order_for_one_that_is_down() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let a1 = up.id("fleet-a");
    let a2 = up.id("fleet-b");

    let (status, saved) = panel
        .put(&format!("/api/objects/auth/{a1}"), auth("u1"))
        .await
        .parts();
    assert_eq!(status, 200, "{saved}");
    assert_eq!(outcome(&saved, "default")["outcome"], "applied");
    assert_eq!(outcome(&saved, "b")["outcome"], "applied");
    assert_eq!(on_asterisk(&up, &format!("auth/{a1}")).await.0, 200);
    assert_eq!(on_asterisk(&b, &format!("auth/{a1}")).await.0, 200);

    // b goes down: the next changes are taken (the default server applied them) and kept for b.
    b.sim().unwrap().stop();
    let (status, second) = panel
        .put(&format!("/api/objects/auth/{a2}"), auth("u2"))
        .await
        .parts();
    assert_eq!(status, 200, "{second}");
    assert_eq!(outcome(&second, "b")["outcome"], "queued", "{second}");
    let (status, deleted) = panel
        .delete(&format!("/api/objects/auth/{a1}"))
        .await
        .parts();
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(outcome(&deleted, "default")["outcome"], "applied");
    let behind = outcome(&deleted, "b");
    assert_eq!(behind["outcome"], "queued");
    assert!(
        behind["message"]
            .as_str()
            .unwrap()
            .contains("earlier changes are still waiting"),
        "{behind}"
    );

    let fleet = fleet_until(&panel.url, |f| {
        f["pending"].as_array().is_some_and(|p| p.len() == 2)
    })
    .await;
    let pending = fleet["pending"].as_array().unwrap();
    assert_eq!(
        (pending[0]["op"].as_str(), pending[0]["id"].as_str()),
        (Some("put"), Some(a2.as_str()))
    );
    assert_eq!(
        (pending[1]["op"].as_str(), pending[1]["id"].as_str()),
        (Some("delete"), Some(a1.as_str()))
    );
    assert!(!pending[0]["created_at"].as_str().unwrap().is_empty());
    let down = fleet_until(&panel.url, |f| f["servers"][1]["up"] == false).await;
    // Every page's status bar says so too.
    let (_, status) = panel.get("/api/status").await.parts();
    let line = status["watch"].as_str().unwrap();
    assert!(
        line.contains("servers: 1 of 2 up (b down), 2 changes waiting"),
        "{line}"
    );
    assert!(
        down["servers"][1]["state"]
            .as_str()
            .unwrap()
            .contains("down since"),
        "{down}"
    );

    // Back: both are applied, in order, and nothing is left waiting.
    b.sim().unwrap().start();
    fleet_until(&panel.url, |f| {
        f["pending"].as_array().is_some_and(Vec::is_empty)
    })
    .await;
    assert_eq!(on_asterisk(&b, &format!("auth/{a2}")).await.0, 200);
    assert_eq!(on_asterisk(&b, &format!("auth/{a1}")).await.0, 404);
    // The password the queue kept (sealed) reached b.
    let held = on_asterisk(&b, &format!("auth/{a2}")).await.1;
    assert!(held.contains("fleet-secret-1"), "{held}");
    let (_, audit) = panel.get(&format!("/api/audit?id={a2}")).await.parts();
    assert!(
        audit.to_string().contains("waiting change applied: saved"),
        "{audit}"
    );
    up.sweep().await;
}

#[tokio::test]
async fn refused_on_one_server_and_applied_on_another_is_said_as_such() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    // b keeps aors in pjsip.conf only: writing one there is refused.
    let b = Upstream::simulated(Sim::default().with_backends([("aor", Backend::Config)])).await;
    let (status, added) = add(&panel, "b", &b).await;
    assert_eq!(status, 201, "{added}");
    let aor = added["probe"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "aor")
        .unwrap()
        .clone();
    assert_eq!(aor["writable"], false, "{added}");
    assert!(
        aor["message"].as_str().unwrap().contains("Cannot create"),
        "{aor}"
    );

    let id = up.id("fleet-aor");
    let (status, saved) = panel
        .put(
            &format!("/api/objects/aor/{id}"),
            json!({"fields": [{"attribute": "max_contacts", "value": "1"}]}),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{saved}");
    assert_eq!(outcome(&saved, "default")["outcome"], "applied");
    let refused = outcome(&saved, "b");
    assert_eq!(refused["outcome"], "refused");
    assert!(
        refused["hint"].as_str().unwrap().contains("sorcery.conf"),
        "{refused}"
    );
    // The panel shows it as one of the save's warnings.
    let warning = saved["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["attribute"] == "server b")
        .unwrap_or_else(|| panic!("no warning for b: {saved}"));
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .starts_with("refused: "),
        "{warning}"
    );
    // Refused is not queued: nothing waits for b.
    let (_, fleet) = panel.get("/api/fleet").await.parts();
    assert_eq!(fleet["pending"], json!([]), "{fleet}");
    up.sweep().await;
}

#[tokio::test]
async fn with_the_default_server_down_the_others_take_changes_and_answer_reads() {
    let a = Upstream::simulated(Sim::default()).await;
    let panel = Panel::admin(served_running(&a).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let id = a.id("fleet-read");
    assert_eq!(
        panel
            .put(&format!("/api/objects/auth/{id}"), auth("r1"))
            .await
            .parts()
            .0,
        200
    );

    a.sim().unwrap().stop();
    let (status, read) = panel.get(&format!("/api/objects/auth/{id}")).await.parts();
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["read_from"], "b", "{read}");
    let (status, saved) = panel
        .put(&format!("/api/objects/auth/{id}"), auth("r2"))
        .await
        .parts();
    assert_eq!(status, 200, "{saved}");
    assert_eq!(outcome(&saved, "default")["outcome"], "queued");
    assert_eq!(outcome(&saved, "b")["outcome"], "applied");

    // Every server down: the change is refused as a whole and nothing is kept.
    b.sim().unwrap().stop();
    let (status, none) = panel
        .put(&format!("/api/objects/auth/{id}"), auth("r3"))
        .await
        .parts();
    assert!((502..=504).contains(&status), "{status} {none}");
    let (_, fleet) = panel.get("/api/fleet").await.parts();
    assert_eq!(fleet["pending"].as_array().unwrap().len(), 1, "{fleet}");

    // The default server back: its kept change is applied.
    a.sim().unwrap().start();
    fleet_until(&panel.url, |f| {
        f["pending"].as_array().is_some_and(Vec::is_empty)
    })
    .await;
    let held = on_asterisk(&a, &format!("auth/{id}")).await.1;
    assert!(held.contains("\"r2\""), "{held}");
}

#[tokio::test]
async fn removing_a_server_says_what_it_leaves_and_drops_what_waited_for_it() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let id = up.id("fleet-rm");
    assert_eq!(
        panel
            .put(&format!("/api/objects/auth/{id}"), auth("x"))
            .await
            .parts()
            .0,
        200
    );
    b.sim().unwrap().stop();
    let id2 = up.id("fleet-rm2");
    assert_eq!(
        panel
            .put(&format!("/api/objects/auth/{id2}"), auth("y"))
            .await
            .parts()
            .0,
        200
    );

    let (status, removed) = panel.delete("/api/servers/b").await.parts();
    assert_eq!(status, 200, "{removed}");
    assert_eq!(removed["pending_dropped"], 1, "{removed}");
    assert!(removed["objects_left"].as_u64().unwrap() >= 2, "{removed}");
    assert!(
        removed["message"]
            .as_str()
            .unwrap()
            .contains("stay on that Asterisk"),
        "{removed}"
    );
    let (_, fleet) = panel.get("/api/fleet").await.parts();
    assert_eq!(fleet["pending"], json!([]));
    assert_eq!(fleet["servers"].as_array().unwrap().len(), 1);
    // It is no longer sent anything; the default server cannot be removed.
    let (status, saved) = panel
        .put(&format!("/api/objects/auth/{id}"), auth("z"))
        .await
        .parts();
    assert_eq!(status, 200);
    assert!(saved.get("servers").is_none(), "{saved}");
    assert_eq!(panel.delete("/api/servers/default").await.parts().0, 409);
    assert_eq!(panel.delete("/api/servers/b").await.parts().0, 404);
    up.sweep().await;
}

/// Through the real binary: a server's password and a kept change's body are sealed in the data
/// directory, and both survive a restart of Conjure: the change reaches the server when it is back.
#[tokio::test]
async fn kept_changes_and_server_passwords_are_sealed_and_outlive_a_restart_of_conjure() {
    let up = Upstream::start().await;
    let dir = std::env::temp_dir().join(format!("conjure-fleet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let flags = ["--watch-interval-ms", "100"];
    let b = Upstream::simulated(Sim::new(vec![asterisk_sim::User {
        name: "fleet".into(),
        password: "s3cret-fleet-pw".into(),
        read_only: false,
    }]))
    .await;
    let id = up.id("fleet-bin");
    {
        let conjure = common::binary_with(&up, &dir, &flags, None).await;
        let panel = Panel::admin(conjure.url.clone(), ADMIN);
        let (status, added) = panel
            .post("/api/servers", json!({"name": "b", "ari_url": b.base, "ari_user": "fleet", "ari_password": "s3cret-fleet-pw"})).await.parts();
        assert_eq!(status, 201, "{added}");
        b.sim().unwrap().stop();
        let body = json!({"fields": [{"attribute": "username", "value": "k"},
                                     {"attribute": "password", "value": "queued-secret-9"}]});
        let (status, saved) = panel
            .put(&format!("/api/objects/auth/{id}"), body)
            .await
            .parts();
        assert_eq!(status, 200, "{saved}");
        assert_eq!(outcome(&saved, "b")["outcome"], "queued");
    }
    // Conjure is gone (SIGKILL): nothing in its data directory shows either secret.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for secret in ["s3cret-fleet-pw", "queued-secret-9"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in the clear in {}",
                path.display()
            );
        }
    }
    let conjure = common::binary_with(&up, &dir, &flags, None).await;
    let fleet = fleet_until(&conjure.url, |f| {
        f["pending"].as_array().is_some_and(|p| p.len() == 1)
    })
    .await;
    assert_eq!(fleet["servers"][1]["name"], "b", "{fleet}");
    b.sim().unwrap().start();
    fleet_until(&conjure.url, |f| {
        f["pending"].as_array().is_some_and(Vec::is_empty)
    })
    .await;
    let r = reqwest::Client::new()
        .get(format!(
            "{}/ari/asterisk/config/dynamic/res_pjsip/auth/{id}",
            b.base
        ))
        .basic_auth("fleet", Some("s3cret-fleet-pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("queued-secret-9"));
    drop(conjure);
    let _ = std::fs::remove_dir_all(&dir);
    up.sweep().await;
}

/// A server added to a fleet that already manages objects gets them all (its watcher reconciles at
/// once), one that restarts with a memory backend gets them back, and its drift is its own.
#[tokio::test]
async fn each_server_is_brought_level_reconciled_and_compared_on_its_own() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let ids: Vec<String> = (0..3).map(|_| up.id("fleet-level")).collect();
    for id in &ids {
        assert_eq!(
            panel
                .put(&format!("/api/objects/auth/{id}"), auth(id))
                .await
                .parts()
                .0,
            200
        );
    }
    let b = Upstream::simulated(Sim::default().with_backends([("auth", Backend::Memory)])).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let level = fleet_until(&panel.url, |f| {
        f["servers"][1]["state"]
            .as_str()
            .is_some_and(|s| s.contains("Conjure started"))
    })
    .await;
    assert!(
        level["servers"][1]["state"]
            .as_str()
            .unwrap()
            .contains("restored"),
        "{level}"
    );
    for id in &ids {
        let (status, held) = on_asterisk(&b, &format!("auth/{id}")).await;
        assert_eq!(status, 200, "{id}");
        // Sealed secrets went too.
        assert!(held.contains("fleet-secret-1"), "{held}");
    }

    // b restarts: memory is empty, and its watcher puts everything back.
    b.sim().unwrap().restart();
    fleet_until(&panel.url, |f| {
        f["servers"][1]["state"]
            .as_str()
            .is_some_and(|s| s.starts_with("Asterisk restarted"))
    })
    .await;
    for id in &ids {
        assert_eq!(on_asterisk(&b, &format!("auth/{id}")).await.0, 200, "{id}");
    }

    // Deleted on b behind Conjure's back: b's drift says so, the default server's does not.
    let gone = &ids[0];
    let r = reqwest::Client::new()
        .delete(format!(
            "{}/ari/asterisk/config/dynamic/res_pjsip/auth/{gone}",
            b.base
        ))
        .basic_auth(&b.user, Some(&b.password))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (_, drift_b) = panel.get("/api/drift?server=b").await.parts();
    let items = drift_b["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["id"] == gone.as_str() && i["state"] == "missing"),
        "{drift_b}"
    );
    let (_, drift_a) = panel.get("/api/drift").await.parts();
    assert!(
        !drift_a["items"].to_string().contains(gone.as_str()),
        "{drift_a}"
    );
    let (status, unknown) = panel.get("/api/drift?server=nope").await.parts();
    assert_eq!(status, 404, "{unknown}");
    // Put back on b only.
    let (status, done) = panel
        .post(
            "/api/drift?server=b",
            json!({"action": "reapply", "items": [{"type": "auth", "id": gone}]}),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{done}");
    assert_eq!(done[0]["ok"], true, "{done}");
    assert_eq!(on_asterisk(&b, &format!("auth/{gone}")).await.0, 200);
    up.sweep().await;
}

#[tokio::test]
async fn a_disabled_server_is_sent_nothing_until_it_is_enabled_again() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let (status, off) = panel
        .patch("/api/servers/b", json!({"enabled": false}))
        .await
        .parts();
    assert_eq!(status, 200, "{off}");
    assert_eq!(off["server"]["enabled"], false);
    let id = up.id("fleet-off");
    let (status, saved) = panel
        .put(&format!("/api/objects/auth/{id}"), auth("o"))
        .await
        .parts();
    assert_eq!(status, 200);
    assert!(
        saved.get("servers").is_none() || !saved["servers"].to_string().contains("\"b\""),
        "{saved}"
    );
    assert_eq!(on_asterisk(&b, &format!("auth/{id}")).await.0, 404);
    // Enabled again: brought level by its watcher.
    let (status, on) = panel
        .patch(
            "/api/servers/b",
            json!({"enabled": true, "groups": ["x", "x", "y"]}),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{on}");
    assert_eq!(on["server"]["groups"], json!(["x", "y"]));
    fleet_until(&panel.url, |f| {
        f["servers"][1]["state"]
            .as_str()
            .is_some_and(|s| s.contains("restored"))
    })
    .await;
    assert_eq!(on_asterisk(&b, &format!("auth/{id}")).await.0, 200);
    let (status, bad) = panel
        .patch("/api/servers/b", json!({"groups": ["Not A Tag"]}))
        .await
        .parts();
    assert_eq!(status, 400, "{bad}");
    up.sweep().await;
}

/// While b does not answer in time (a hung Asterisk), one object is saved, deleted and saved again:
/// b gets the three in order once it answers, ending with the last save.
#[tokio::test]
async fn a_server_that_times_out_gets_each_objects_changes_in_order() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let sim = b.sim().unwrap();
    // Longer than Conjure's timeout for the test's servers (0.7 s).
    sim.set_delays(std::time::Duration::from_secs(2), std::time::Duration::ZERO);
    let id = up.id("fleet-order");
    let path = format!("/api/objects/auth/{id}");
    let (status, first) = panel.put(&path, auth("first")).await.parts();
    assert_eq!(status, 200, "{first}");
    let timed_out = outcome(&first, "b");
    assert_eq!(timed_out["outcome"], "queued");
    assert!(
        timed_out["message"]
            .as_str()
            .unwrap()
            .contains("did not answer within"),
        "{timed_out}"
    );
    assert_eq!(panel.delete(&path).await.parts().0, 200);
    let (status, last) = panel.put(&path, auth("last")).await.parts();
    assert_eq!(status, 200, "{last}");
    assert_eq!(outcome(&last, "b")["outcome"], "queued");

    sim.set_delays(std::time::Duration::ZERO, std::time::Duration::ZERO);
    fleet_until(&panel.url, |f| f["pending_total"] == 0).await;
    let held = on_asterisk(&b, &format!("auth/{id}")).await;
    assert_eq!(held.0, 200, "{held:?}");
    assert!(held.1.contains("\"last\""), "{}", held.1);
    up.sweep().await;
}

/// Objects placed on a group or a server go there only, keep their place when saved again, are moved
/// only with a confirmation that names the servers they leave, and each server is reconciled with
/// what goes to it.
#[tokio::test]
async fn an_object_goes_where_its_target_says_and_moves_only_when_confirmed() {
    let a = Upstream::simulated(Sim::default()).await;
    let panel = Panel::admin(served_running(&a).await, ADMIN);
    let b = Upstream::simulated(Sim::default().with_backends([("auth", Backend::Memory)])).await;
    let c = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    assert_eq!(
        panel
            .post("/api/servers", json!({"name": "c", "ari_url": c.base, "ari_user": c.user, "ari_password": c.password})).await.parts()
            .0,
        201
    );
    let id = a.id("fleet-target");
    let path = format!("/api/objects/auth/{id}");
    let (status, saved) = panel
        .put(&format!("{path}?target=group:site-b"), auth("t1"))
        .await
        .parts();
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["servers"].as_array().unwrap().len(), 1, "{saved}");
    assert_eq!(outcome(&saved, "b")["outcome"], "applied");
    assert_eq!(saved["target"], json!(["group:site-b"]));
    assert_eq!(
        (on(&a, &id).await, on(&b, &id).await, on(&c, &id).await),
        (404, 200, 404)
    );
    let (_, read) = panel.get(&path).await.parts();
    assert_eq!(read["read_from"], "b", "{read}");
    // Saved again without a target: it stays where it is; naming another is refused.
    let (status, again) = panel.put(&path, auth("t2")).await.parts();
    assert_eq!(status, 200, "{again}");
    assert_eq!(on(&a, &id).await, 404);
    let (status, elsewhere) = panel
        .put(&format!("{path}?target=server:c"), auth("t3"))
        .await
        .parts();
    assert_eq!(status, 409, "{elsewhere}");
    assert!(
        elsewhere["message"]
            .as_str()
            .unwrap()
            .contains("goes to group:site-b"),
        "{elsewhere}"
    );
    // Targets that name nothing.
    let other = a.id("fleet-target-bad");
    let (status, bad) = panel
        .put(
            &format!("/api/objects/auth/{other}?target=group:nope"),
            auth("x"),
        )
        .await
        .parts();
    assert_eq!(status, 400, "{bad}");
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .contains("No server is in the group 'nope'"),
        "{bad}"
    );
    assert_eq!(on_asterisk(&a, &format!("auth/{other}")).await.0, 404);

    // b restarts (auths in memory): it gets back what goes to it, and not what goes to c alone.
    let for_c = a.id("fleet-target-c");
    let (status, _) = panel
        .put(
            &format!("/api/objects/auth/{for_c}?target=server:c"),
            auth("c"),
        )
        .await
        .parts();
    assert_eq!(status, 200);
    b.sim().unwrap().restart();
    let restarted = fleet_until(&panel.url, |f| {
        f["servers"][1]["state"]
            .as_str()
            .is_some_and(|s| s.starts_with("Asterisk restarted"))
    })
    .await;
    assert!(
        restarted["servers"][1]["state"]
            .as_str()
            .unwrap()
            .contains("1 of 1 objects restored"),
        "{restarted}"
    );
    assert_eq!(on(&b, &id).await, 200);
    assert_eq!(
        (
            on(&a, &for_c).await,
            on(&b, &for_c).await,
            on(&c, &for_c).await
        ),
        (404, 404, 200)
    );

    // Moving it to c: refused until confirmed, naming b; then gone from b and on c, secret and all.
    let (status, ask) = panel
        .put(&format!("{path}/target"), json!({"target": ["server:c"]}))
        .await
        .parts();
    assert_eq!(status, 409, "{ask}");
    assert!(
        ask["message"]
            .as_str()
            .unwrap()
            .contains("off b deletes it there"),
        "{ask}"
    );
    assert_eq!(on(&b, &id).await, 200);
    let (status, moved) = panel
        .put(
            &format!("{path}/target"),
            json!({"target": ["server:c"], "confirm": true}),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{moved}");
    assert_eq!(outcome(&moved, "b")["outcome"], "applied");
    assert_eq!(outcome(&moved, "c")["outcome"], "applied");
    assert_eq!(
        (on(&a, &id).await, on(&b, &id).await, on(&c, &id).await),
        (404, 404, 200)
    );
    assert!(
        on_asterisk(&c, &format!("auth/{id}"))
            .await
            .1
            .contains("fleet-secret-1")
    );
    // The servers page counts per server what goes to it.
    let (_, fleet) = panel.get("/api/fleet").await.parts();
    let counts: Vec<&Value> = fleet["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["objects"])
        .collect();
    assert_eq!(
        counts,
        [&json!({}), &json!({}), &json!({"auth": 2})],
        "{fleet}"
    );
    assert_eq!(fleet["servers"][2]["version"], "22.10.1");
    // Everywhere: pushed to the two it was not on, none left.
    let (status, all) = panel
        .put(&format!("{path}/target"), json!({"target": []}))
        .await
        .parts();
    assert_eq!(status, 200, "{all}");
    assert_eq!(
        (on(&a, &id).await, on(&b, &id).await, on(&c, &id).await),
        (200, 200, 200)
    );
    let (_, audit) = panel.get(&format!("/api/audit?id={id}")).await.parts();
    assert!(
        audit
            .to_string()
            .contains("moved from server:c to every server"),
        "{audit}"
    );
    // c cannot go while an object goes to it alone (for_c).
    let (status, kept) = panel.delete("/api/servers/c").await.parts();
    assert_eq!(status, 409, "{kept}");
    assert!(
        kept["message"]
            .as_str()
            .unwrap()
            .contains("1 objects go to 'c'"),
        "{kept}"
    );
}

/// The status `up` answers for the auth `id`.
async fn on(up: &Upstream, id: &str) -> u16 {
    on_asterisk(up, &format!("auth/{id}")).await.0
}

/// `/servers/{name}/ari/...`: a script writes to one server of the fleet as it would to that
/// Asterisk; what it makes goes there alone, and an object that goes elsewhere is not deleted behind
/// the record.
#[tokio::test]
async fn the_ari_door_of_one_server_writes_to_that_server_alone() {
    let a = Upstream::simulated(Sim::default()).await;
    let panel = Panel::admin(served_running(&a).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let id = a.id("fleet-door");
    let door = format!("/servers/b/ari/asterisk/config/dynamic/res_pjsip/auth/{id}");
    let r = panel.put(&door, auth("d1")).await;
    assert_eq!(r.status, 200);
    assert!(!r.text.contains("fleet-secret-1"), "a secret left the door");
    assert_eq!(on_asterisk(&a, &format!("auth/{id}")).await.0, 404);
    assert_eq!(on_asterisk(&b, &format!("auth/{id}")).await.0, 200);
    // The common door sends a save of it where it goes: b only.
    let common = format!("/ari/asterisk/config/dynamic/res_pjsip/auth/{id}");
    assert_eq!(panel.put(&common, auth("d2")).await.status, 200);
    assert_eq!(on_asterisk(&a, &format!("auth/{id}")).await.0, 404);
    // An object for every server is not deleted through one server's door.
    let shared = a.id("fleet-door-all");
    let saved = panel
        .put(&format!("/api/objects/auth/{shared}"), auth("s"))
        .await;
    assert_eq!(saved.status, 200);
    let on_b = format!("/servers/b/ari/asterisk/config/dynamic/res_pjsip/auth/{shared}");
    assert_eq!(panel.delete(&on_b).await.status, 409);
    assert_eq!(on_asterisk(&b, &format!("auth/{shared}")).await.0, 200);
    // Its own object is deleted there; an unknown server is said so.
    assert_eq!(panel.delete(&door).await.status, 204);
    assert_eq!(on_asterisk(&b, &format!("auth/{id}")).await.0, 404);
    assert_eq!(panel.get(&door).await.status, 404);
    let r = panel
        .get("/servers/nope/ari/asterisk/config/dynamic/res_pjsip/auth/x")
        .await;
    assert_eq!(r.status, 404);
    assert!(r.text.contains("no server named 'nope'"), "{}", r.text);
}

/// Phone users go where their target says, and the list says per user where they are: on every
/// server, on the ones named, or waiting for one that is down.
#[tokio::test]
async fn phone_users_have_a_place_in_the_fleet_and_the_list_says_it() {
    let a = Upstream::simulated(Sim::default()).await;
    let panel = Panel::admin(served_running(&a).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let placed = a.id("5");
    let (status, made) = panel
        .post(
            "/api/phone-users?target=server:b",
            json!({"extension": placed, "name": "Placed"}),
        )
        .await
        .parts();
    assert_eq!(status, 201, "{made}");
    for ty in ["auth", "aor", "endpoint"] {
        assert_eq!(
            on_asterisk(&a, &format!("{ty}/{placed}")).await.0,
            404,
            "{ty}"
        );
        assert_eq!(
            on_asterisk(&b, &format!("{ty}/{placed}")).await.0,
            200,
            "{ty}"
        );
    }
    let (status, bad) = panel
        .post(
            "/api/phone-users?target=group:none",
            json!({"extension": a.id("6"), "name": "Nowhere"}),
        )
        .await
        .parts();
    assert_eq!(status, 400, "{bad}");
    b.sim().unwrap().stop();
    let everywhere = a.id("7");
    let (status, made) = panel
        .post(
            "/api/phone-users",
            json!({"extension": everywhere, "name": "All"}),
        )
        .await
        .parts();
    assert_eq!(status, 201, "{made}");
    let (_, list) = panel.get("/api/phone-users").await.parts();
    let state = |ext: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["extension"] == ext)
            .map(|u| u["servers"].as_str().unwrap_or_default().to_string())
            .unwrap()
    };
    assert_eq!(state(&placed), "on server:b");
    assert_eq!(state(&everywhere), "waiting on b");

    // A spreadsheet imported to one server; a target that names nothing refuses the file at once.
    b.sim().unwrap().start();
    // Once Conjure sees b again (its queue still catching up, the import waits for it to be level).
    fleet_until(&panel.url, |f| f["servers"][1]["up"] == true).await;
    let imported = a.id("8");
    let file = format!("extension,name\n{imported},I\n");
    let r = panel
        .post_csv("/api/imports?target=group:none", &file)
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = panel.post_csv("/api/imports?target=server:b", &file).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let job = r.json["progress"]["id"].as_u64().unwrap();
    // The progress events end when the import does.
    let events = panel.get(&format!("/api/imports/{job}/events")).await.text;
    let results = panel
        .get(&format!("/api/imports/{job}/results.csv"))
        .await
        .text;
    assert!(events.contains(r#""created":1"#), "{events} {results}");
    assert_eq!(
        on_asterisk(&a, &format!("endpoint/{imported}")).await.0,
        404
    );
    assert_eq!(
        on_asterisk(&b, &format!("endpoint/{imported}")).await.0,
        200
    );
}

/// A save applied on the default server and refused by b stays split: a retry that is refused again
/// keeps it; an undo puts the object back as it was where it was applied (deletes it, if the save made
/// it), and in the record.
#[tokio::test]
async fn a_split_change_is_retried_or_undone_where_it_was_applied() {
    let a = Upstream::simulated(Sim::default()).await;
    let panel = Panel::admin(served_running(&a).await, ADMIN);
    let aor = |n: &str| json!({"fields": [{"attribute": "max_contacts", "value": n}]});
    let kept = a.id("fleet-split-kept");
    assert_eq!(
        panel
            .put(&format!("/api/objects/aor/{kept}"), aor("1"))
            .await
            .parts()
            .0,
        200
    );
    let b = Upstream::simulated(Sim::default().with_backends([("aor", Backend::Config)])).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);

    // A change of an object that was there: split, then undone.
    let (status, saved) = panel
        .put(&format!("/api/objects/aor/{kept}"), aor("5"))
        .await
        .parts();
    assert_eq!(status, 200, "{saved}");
    let token = saved["split"]
        .as_str()
        .unwrap_or_else(|| panic!("not split: {saved}"))
        .to_string();
    let (_, fleet) = panel.get("/api/fleet").await.parts();
    let split = &fleet["split"][0];
    assert_eq!(
        (split["applied"].clone(), split["refused"].clone()),
        (json!(["default"]), json!(["b"]))
    );
    assert_eq!(split["created"], false);
    // Still refused on b: it stays split.
    let (status, again) = panel
        .send("POST", &format!("/api/fleet/split/{token}/retry"), None)
        .await
        .parts();
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["servers"][0]["outcome"], "refused");
    let (_, fleet) = panel.get("/api/fleet").await.parts();
    assert_eq!(fleet["split"].as_array().unwrap().len(), 1);
    let (status, undone) = panel
        .send("POST", &format!("/api/fleet/split/{token}/undo"), None)
        .await
        .parts();
    assert_eq!(status, 200, "{undone}");
    assert_eq!(undone["servers"][0]["outcome"], "applied", "{undone}");
    let held = on_asterisk(&a, &format!("aor/{kept}")).await.1;
    assert!(held.contains(r#""max_contacts","value":"1""#), "{held}");
    let (_, record) = panel
        .get(&format!("/api/inventory/aor?search={kept}"))
        .await
        .parts();
    assert!(record.to_string().contains(&kept), "{record}");
    assert_eq!(
        panel
            .send("POST", &format!("/api/fleet/split/{token}/undo"), None)
            .await
            .parts()
            .0,
        404
    );

    // A new object: undo deletes it where it was made, and Conjure no longer manages it.
    let made = a.id("fleet-split-made");
    let (status, saved) = panel
        .put(&format!("/api/objects/aor/{made}"), aor("2"))
        .await
        .parts();
    assert_eq!(status, 200, "{saved}");
    let token = saved["split"].as_str().unwrap().to_string();
    let warning = saved["warnings"].to_string();
    assert!(
        warning.contains("undo it where it was applied, on the Servers page"),
        "{warning}"
    );
    let (status, _) = panel
        .send("POST", &format!("/api/fleet/split/{token}/undo"), None)
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(on_asterisk(&a, &format!("aor/{made}")).await.0, 404);
    let (_, fleet) = panel.get("/api/fleet").await.parts();
    assert_eq!(fleet["split"], json!([]));
    let (_, record) = panel
        .get(&format!("/api/inventory/aor?search={made}"))
        .await
        .parts();
    assert!(!record.to_string().contains(&made), "{record}");
}

/// An object Conjure stops managing (drift's "forget") also loses its target: made again, it goes to
/// every server.
#[tokio::test]
async fn a_forgotten_object_forgets_where_it_went() {
    let a = Upstream::simulated(Sim::default()).await;
    let panel = Panel::admin(served_running(&a).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    let id = a.id("fleet-forget");
    let path = format!("/api/objects/auth/{id}");
    let (status, _) = panel
        .put(&format!("{path}?target=server:b"), auth("f1"))
        .await
        .parts();
    assert_eq!(status, 200);
    let (status, forgot) = panel
        .post(
            "/api/drift?server=b",
            json!({"action": "forget", "items": [{"type": "auth", "id": id}]}),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{forgot}");
    assert_eq!(forgot[0]["ok"], true, "{forgot}");
    let (status, saved) = panel.put(&path, auth("f2")).await.parts();
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["target"], json!([]), "{saved}");
    assert_eq!(on(&a, &id).await, 200);
}

/// A listener that keeps every byte sent to it and answers nothing useful: where a re-pointed server's
/// requests would go.
async fn recorder() -> (String, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n) = conn.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    keep.lock().unwrap().extend_from_slice(&buf[..n]);
                    let _ = conn
                        .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                        .await;
                }
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn secrets_go_to_a_new_or_repointed_server_only_once_a_person_confirms() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let a1 = up.id("sealed-for-b");
    let (status, saved) = panel
        .put(&format!("/api/objects/auth/{a1}"), auth("u1"))
        .await
        .parts();
    assert_eq!(status, 200, "{saved}");

    // A new server: refused until confirmed, with a code the page acts on, and nothing pushed to it.
    let b = Upstream::simulated(Sim::default()).await;
    let (status, refused) = panel
        .post(
            "/api/servers",
            json!({"name": "b", "ari_url": b.base, "ari_user": b.user, "ari_password": b.password}),
        )
        .await
        .parts();
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "confirm-secrets", "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("1 objects"),
        "{refused}"
    );
    assert!(b.sim().unwrap().objects().is_empty());
    let (status, added) = panel
        .post(
            "/api/servers",
            json!({"name": "b", "ari_url": b.base, "ari_user": b.user,
                        "ari_password": b.password, "confirm_secrets": true}),
        )
        .await
        .parts();
    assert_eq!(status, 201, "{added}");
    fleet_until(&panel.url, |f| {
        f["servers"][1]["state"]
            .as_str()
            .is_some_and(|s| s.contains("Conjure started"))
    })
    .await;
    assert!(
        on_asterisk(&b, &format!("auth/{a1}"))
            .await
            .1
            .contains("fleet-secret-1")
    );
    let (_, audit) = panel.get("/api/audit?id=b").await.parts();
    assert!(audit.to_string().contains("server-secrets"), "{audit}");

    // Re-pointed without the password: refused before anything is sent anywhere.
    let (fake, seen) = recorder().await;
    for patch in [
        json!({"ari_url": fake}),
        json!({"ari_user": "someone-else"}),
        json!({"ca_file": "/etc/ssl/certs/ca-certificates.crt"}),
    ] {
        let (status, again) = panel.patch("/api/servers/b", patch.clone()).await.parts();
        assert_eq!(status, 400, "{patch}: {again}");
        assert_eq!(again["code"], "password-again", "{again}");
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "the fake upstream was contacted"
    );

    // With a password typed for it, the new host gets only that password, and no object's secret
    // until confirmed.
    let c = Upstream::simulated(Sim::default()).await;
    let (status, moved) = panel
        .patch(
            "/api/servers/b",
            json!({"ari_url": c.base, "ari_password": c.password}),
        )
        .await
        .parts();
    assert_eq!(status, 409, "{moved}");
    assert_eq!(moved["code"], "confirm-secrets");
    assert!(c.sim().unwrap().objects().is_empty());
    // Disabling and enabling, or new groups with nothing targeted at them, need neither.
    let (status, toggled) = panel
        .patch("/api/servers/b", json!({"enabled": false}))
        .await
        .parts();
    assert_eq!(status, 200, "{toggled}");
    up.sweep().await;
}

#[tokio::test]
async fn an_extension_taken_on_any_server_it_would_go_to_is_not_overwritten() {
    let a = Upstream::simulated(Sim::default()).await;
    let panel = Panel::admin(served_running(&a).await, ADMIN);
    let b = Upstream::simulated(Sim::default()).await;
    assert_eq!(add(&panel, "b", &b).await.0, 201);
    // Site b has a phone of its own at this extension, made there by hand; a has none.
    let ext = a.id("8");
    let put = reqwest::Client::new()
        .put(format!("{}/ari/asterisk/config/dynamic/res_pjsip/auth/{ext}", b.base))
        .basic_auth(&b.user, Some(&b.password))
        .header("content-type", "application/json")
        .body(r#"{"fields":[{"attribute":"username","value":"own"},{"attribute":"password","value":"b-own-pw"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status().as_u16(), 200);
    for path in ["/api/phone-users?target=server:b", "/api/phone-users"] {
        let (status, refused) = panel
            .post(path, json!({"extension": ext, "name": "Clash"}))
            .await
            .parts();
        assert_eq!(status, 409, "{path}: {refused}");
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("on the server b"),
            "{refused}"
        );
    }
    // The spreadsheet's check says so too, before anything is made.
    let (status, check) = panel
        .post_csv(
            "/api/imports?dry_run=true",
            &format!("extension,name\n{ext},Clash\n"),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{check}");
    assert!(check.to_string().contains("on the server b"), "{check}");
    let held = on_asterisk(&b, &format!("auth/{ext}")).await.1;
    assert!(held.contains("b-own-pw"), "b's phone is untouched: {held}");
    assert_eq!(on_asterisk(&a, &format!("auth/{ext}")).await.0, 404);
}
