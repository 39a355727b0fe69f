//! The journal as a killed Conjure leaves it: entries appended and answered, never applied.

use std::borrow::Cow;

use model::api::{AuditEntry, AuditQuery};
use model::{Field, ObjectType};

use super::journal::Journal;
use super::{AUDIT, RECORD, Store, texts};

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("conjure-replay-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[tokio::test]
async fn entries_a_killed_conjure_journaled_are_applied_at_start_with_their_time() {
    let d = dir("start");
    // A store that made its files, then stopped.
    drop(Store::open(&d).unwrap());
    // What a save journals before it answers; the process was killed before the writer applied it.
    let at = 1_700_000_000_123_i64; // 2023-11-14T22:13:20.123Z
    let fields = serde_json::to_string(&[Field::new("domain", "example.com")]).unwrap();
    let mut record = texts(["domain_alias", "lost-1", &fields, "[]", "admin"]);
    record.push(rusqlite::types::Value::Integer(at));
    let mut audit = texts([
        "admin",
        "127.0.0.1",
        "put",
        "domain_alias",
        "lost-1",
        "[]",
        "s",
    ]);
    audit.push(rusqlite::types::Value::Integer(200));
    audit.push(rusqlite::types::Value::Text("saved".into()));
    audit.push(rusqlite::types::Value::Integer(at));
    let (mut j, pending) = Journal::open(&d.join("conjure.journal"), 0).unwrap();
    assert!(pending.is_empty());
    j.append(&vec![
        (Cow::Borrowed(RECORD), record),
        (Cow::Borrowed(AUDIT), audit),
    ])
    .unwrap();
    drop(j);

    let store = Store::open(&d).unwrap();
    assert!(
        store
            .contains(ObjectType::DomainAlias, "lost-1")
            .await
            .unwrap()
    );
    let entries: Vec<AuditEntry> = store
        .audit(AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].at, "2023-11-14T22:13:20.123Z");
    drop(store);
    // Applied once: a second start finds nothing left to apply and adds no second entry.
    let store = Store::open(&d).unwrap();
    let again = store
        .audit(AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    drop(store);
    let _ = std::fs::remove_dir_all(&d);
}

#[tokio::test]
async fn the_next_save_sees_a_change_not_yet_applied() {
    let d = dir("before");
    let store = Store::open(&d).unwrap();
    let entry = |id: &str| AuditEntry {
        seq: 0,
        at: String::new(),
        actor: "admin".into(),
        address: "127.0.0.1".into(),
        action: "put".into(),
        object_type: "aor".into(),
        id: id.into(),
        changes: Vec::new(),
        server: "s".into(),
        status: 200,
        message: "saved".into(),
        summary: String::new(),
    };
    let fields = vec![Field::new("max_contacts", "3")];
    for round in 0..200 {
        let f = vec![Field::new("max_contacts", round.to_string())];
        store
            .change(
                super::Inventory::Record {
                    fields: &f,
                    secrets_set: &[],
                    sealed: None,
                },
                &entry("2041"),
            )
            .await
            .unwrap();
        // Read at once, whether or not the writer got to it.
        let seen = store
            .fields(ObjectType::Aor, "2041")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen, f, "round {round}");
    }
    store
        .change(
            super::Inventory::Record {
                fields: &fields,
                secrets_set: &[],
                sealed: None,
            },
            &entry("2042"),
        )
        .await
        .unwrap();
    store
        .change(super::Inventory::Forget, &entry("2042"))
        .await
        .unwrap();
    assert_eq!(store.fields(ObjectType::Aor, "2042").await.unwrap(), None);
    // Reads of lists wait for the writer: every entry is there.
    let all = store
        .audit(AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 202);
    drop(store);
    let _ = std::fs::remove_dir_all(&d);
}
