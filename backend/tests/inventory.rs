//! The inventory: every object pushed through either door is listed; deleted ones are not; endpoints that
//! Asterisk has but Conjure did not push are offered for adoption.

mod common;

use common::admin;
use common::{ADMIN, call, harness};

#[tokio::test]
async fn pushed_objects_are_listed_searched_sorted_and_paged() {
    let h = harness().await;
    let [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map(|n| h.up.id(n));
    for id in [&alice, &bob, &carol, &dave] {
        let body = format!(
            r#"{{"fields":[{{"attribute":"username","value":"{id}"}},{{"attribute":"password","value":"pw-{id}"}}]}}"#
        );
        let door = if *id == bob {
            "/ari/asterisk/config/dynamic/res_pjsip"
        } else {
            "/api/objects"
        };
        assert_eq!(
            admin(&h.app)
                .put(&format!("{door}/auth/{id}"), &body)
                .await
                .status,
            200
        );
    }
    assert_eq!(
        admin(&h.app)
            .delete(&format!("/api/objects/auth/{dave}"))
            .await
            .status,
        204
    );
    let r = admin(&h.app).get("/api/inventory/auth").await;
    let v = r.json();
    assert_eq!(v["total"], 3);
    let ids: Vec<_> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [alice.clone(), bob.clone(), carol.clone()]);
    assert_eq!(v["items"][1]["updated_by"], "admin");
    assert_eq!(v["items"][0]["secrets_set"][0], "password");
    assert!(
        !r.text.contains(&format!("pw-{alice}")),
        "no secret is stored or listed"
    );

    let v = admin(&h.app)
        .get("/api/inventory/auth?search=AR&sort=id&descending=true")
        .await
        .json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["id"], *carol);
    let v = admin(&h.app)
        .get("/api/inventory/auth?per_page=2&page=2")
        .await
        .json();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["id"], *carol);
    let v = admin(&h.app).get("/api/inventory").await.json();
    assert_eq!(v["auth"], 3);
}

#[tokio::test]
async fn endpoints_pushed_elsewhere_can_be_adopted() {
    let h = harness().await;
    let legacy = h.up.id("legacy");
    let managed = h.up.id("managed");
    // Pushed straight to Asterisk, not through Conjure.
    let r =
        h.up.http()
            .put(format!(
                "{}/ari/asterisk/config/dynamic/res_pjsip/endpoint/{legacy}",
                h.up.base
            ))
            .basic_auth(&h.up.user, Some(&h.up.password))
            .header("content-type", "application/json")
            .body(r#"{"fields":[{"attribute":"allow","value":"ulaw"}]}"#)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        admin(&h.app)
            .put(
                &format!("/api/objects/endpoint/{managed}"),
                r#"{"fields":[{"attribute":"allow","value":"ulaw"}]}"#
            )
            .await
            .status,
        200
    );
    let v = admin(&h.app).get("/api/inventory/endpoint").await.json();
    // On a shared Asterisk other endpoints are unmanaged too: look for these two only.
    let unmanaged = |v: &serde_json::Value, id: &str| {
        v["unmanaged"].as_array().unwrap().iter().any(|u| u == id)
    };
    assert!(unmanaged(&v, &legacy) && !unmanaged(&v, &managed), "{v}");
    assert_eq!(v["items"][0]["id"], *managed);
    assert_eq!(
        call(
            &h.app,
            "POST",
            &format!("/api/inventory/endpoint/{legacy}/adopt"),
            Some(ADMIN),
            None
        )
        .await
        .status,
        204
    );
    let v = admin(&h.app).get("/api/inventory/endpoint").await.json();
    assert!(!unmanaged(&v, &legacy), "{v}");
    assert_eq!(v["total"], 2);
    assert_eq!(
        call(
            &h.app,
            "POST",
            "/api/inventory/endpoint/nosuch/adopt",
            Some(ADMIN),
            None
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn the_inventory_survives_a_restart_of_conjure() {
    let dir = std::env::temp_dir().join(format!("conjure-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    {
        let store = conjure::store::Store::open(&dir).unwrap();
        store
            .record(model::ObjectType::Aor, "desk", vec![], vec![], "test")
            .await
            .unwrap();
    }
    let store = conjure::store::Store::open(&dir).unwrap();
    assert!(
        store
            .contains(model::ObjectType::Aor, "desk")
            .await
            .unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
