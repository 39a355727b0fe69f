//! The plan of a pjsip.conf import over a real socket, against the simulator's renderings: what Conjure
//! manages and the file leaves as it is, is "unchanged" (`no` is Asterisk's `false`, the codec list is
//! what disallow and allow leave); a value that differs is an "update"; an object Asterisk has that
//! Conjure does not manage is a "conflict"; a new one is "create"; the catalog's refusal comes with its
//! line; a transport stays in the file. Nothing is pushed.

mod common;

use common::{ADMIN, Upstream, served_running};
use serde_json::{Value, json};
use testbed::panel::Panel;

fn item<'a>(plan: &'a Value, ty: &str, id: &str) -> &'a Value {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == ty && i["id"] == id)
        .unwrap_or_else(|| panic!("no {ty} {id} in {plan}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_says_what_each_object_of_the_file_would_do() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let [same, changed, theirs, new, bad, phone] = [
        "cfg-same",
        "cfg-changed",
        "cfg-theirs",
        "cfg-new",
        "cfg-bad",
        "cfg-phone",
    ]
    .map(|n| up.id(n));
    let aor = |n: &str| json!({"fields": [{"attribute": "max_contacts", "value": n}]});
    for id in [&same, &changed] {
        let r = panel.put(&format!("/api/objects/aor/{id}"), aor("1")).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let ep = json!({"fields": [{"attribute": "allow", "value": "ulaw,alaw"},
                               {"attribute": "direct_media", "value": "no"},
                               {"attribute": "context", "value": "from-internal"}]});
    let r = panel
        .put(&format!("/api/objects/endpoint/{phone}"), ep)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Made on Asterisk by hand: Conjure does not manage it.
    let direct = up
        .http()
        .put(format!(
            "{}/ari/asterisk/config/dynamic/res_pjsip/aor/{theirs}",
            up.base
        ))
        .basic_auth(&up.user, Some(&up.password))
        .header("content-type", "application/json")
        .body(aor("4").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 200);

    let file = format!(
        "[transport-udp]\ntype=transport\nprotocol=udp\n\n\
         [{same}]\ntype=aor\nmax_contacts=1\n\n\
         [{changed}]\ntype=aor\nmax_contacts=3\n\n\
         [{theirs}]\ntype=aor\nmax_contacts=4\n\n\
         [{new}]\ntype=aor\nmax_contacts=2\n\n\
         [{bad}]\ntype=aor\nmax_contacts=lots\n\n\
         [{phone}]\ntype=endpoint\ncontext=from-internal\ndisallow=all\nallow=ulaw\nallow=alaw\ndirect_media=no\n"
    );
    let r = panel
        .raw(
            "POST",
            "/api/config-imports/plan?name=pjsip.conf",
            Some(("application/octet-stream", file.clone())),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let plan = &r.json;
    assert_eq!(item(plan, "aor", &same)["action"], "unchanged", "{plan}");
    assert_eq!(
        item(plan, "endpoint", &phone)["action"],
        "unchanged",
        "{plan}"
    );
    let c = item(plan, "aor", &changed);
    assert_eq!(c["action"], "update");
    assert_eq!(
        c["changes"],
        json!([{"attribute": "max_contacts", "file": "3", "asterisk": "1"}])
    );
    assert_eq!(item(plan, "aor", &theirs)["action"], "conflict");
    assert_eq!(item(plan, "aor", &new)["action"], "create");
    let b = item(plan, "aor", &bad);
    assert_eq!(b["action"], "refused");
    assert!(
        b["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("pjsip.conf:23:1: "),
        "{b}"
    );
    assert!(
        plan["staying"][0]["message"]
            .as_str()
            .unwrap()
            .contains("transport")
    );
    // Nothing was pushed.
    assert_eq!(common::on_asterisk(&up, &format!("aor/{new}")).await.0, 404);

    // Only an admin plans an import.
    let r = panel
        .anonymous_like()
        .raw(
            "POST",
            "/api/config-imports/plan",
            Some(("text/plain", file)),
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    up.sweep().await;
}

#[tokio::test]
async fn a_file_asterisk_would_refuse_is_answered_with_its_line() {
    let up = Upstream::start().await;
    let panel = Panel::admin(served_running(&up).await, ADMIN);
    let r = panel
        .raw(
            "POST",
            "/api/config-imports/plan?name=pjsip.conf",
            Some(("text/plain", "[a]\ntype=aor\n[b](nope)\n".into())),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .starts_with("pjsip.conf:3:1: 'nope' is inherited from"),
        "{}",
        r.text
    );
}
