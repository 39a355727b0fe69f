//! Who changed what: the actor of a request, and the field-level diff an audit entry keeps (secret values
//! replaced by markers before anything is stored).

mod words;

use std::collections::BTreeMap;

pub use words::summary;

use model::api::{AuditChange, AuditEntry};
use model::{Field, secret};

/// The author of a change.
#[derive(Debug, Clone)]
pub struct Who {
    /// A user's name, `token:<name>`, or `conjure (…)` for what Conjure did itself.
    pub actor: String,
    /// The client's address, when the server knows it.
    pub address: String,
}

/// An entry for something done to Conjure itself rather than to Asterisk: `kind` is `user`, `token`,
/// `template`, `phone-users` or `import`. Passwords and token values never go in `changes` or `message`.
pub fn event(
    who: &Who,
    action: &str,
    kind: &str,
    id: &str,
    message: impl Into<String>,
) -> AuditEntry {
    AuditEntry {
        seq: 0,
        at: String::new(),
        actor: who.actor.clone(),
        address: who.address.clone(),
        action: action.into(),
        object_type: kind.into(),
        id: id.into(),
        changes: Vec::new(),
        server: String::new(),
        status: 200,
        message: message.into(),
        summary: String::new(),
    }
}

/// Records each of `entries` in turn (see [`record`]).
pub async fn record_all(store: &crate::store::Store, entries: Vec<AuditEntry>) {
    for e in entries {
        record(store, e).await;
    }
}

/// Writes an [`event`] for a change that has already happened (an account, a token, a template): who
/// gave whom which role stays on record beside the PJSIP changes. A failed write is logged; the change
/// stands. (Hand-outs of passwords write with `Store::log` and refuse when that fails.)
pub async fn record(store: &crate::store::Store, entry: AuditEntry) {
    if let Err(e) = store.log(&entry).await {
        tracing::error!(%e, action = %entry.action, kind = %entry.object_type, id = %entry.id, "an audit entry could not be written");
    }
}

/// One before → after line of an [`event`].
pub fn change(attribute: &str, before: impl ToString, after: impl ToString) -> AuditChange {
    AuditChange {
        attribute: attribute.into(),
        before: before.to_string(),
        after: after.to_string(),
    }
}

/// Repeated attributes (identify `match`, aor `contact`) are compared as one joined value.
fn by_attribute(fields: &[Field]) -> BTreeMap<&str, String> {
    let mut m: BTreeMap<&str, String> = BTreeMap::new();
    for f in fields.iter().filter(|f| !secret::is_secret(&f.attribute)) {
        m.entry(f.attribute.as_str())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&f.value);
            })
            .or_insert_with(|| f.value.clone());
    }
    m
}

/// The options that differ between `before` (what Conjure last recorded; empty for a new object) and
/// `after` (Asterisk's answer), plus the secrets the request set, shown only as changed or cleared.
pub fn changes(before: &[Field], after: &[Field], sent: &[Field]) -> Vec<AuditChange> {
    // A new object: what was asked for. Asterisk's rendering lists every option (over 200 for an
    // endpoint), defaults included; as a "diff" that buried the request and cost a third of an import's CPU.
    if before.is_empty() {
        return requested(before, sent);
    }
    let (b, a) = (by_attribute(before), by_attribute(after));
    let mut out: Vec<AuditChange> = b
        .keys()
        .chain(a.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| AuditChange {
            attribute: k.to_string(),
            before: b.get(k).cloned().unwrap_or_default(),
            after: a.get(k).cloned().unwrap_or_default(),
        })
        .collect();
    out.extend(secret_changes(sent));
    out
}

/// For a request Asterisk refused: what it asked for.
pub fn requested(before: &[Field], sent: &[Field]) -> Vec<AuditChange> {
    let b = by_attribute(before);
    let mut out: Vec<AuditChange> = sent
        .iter()
        .filter(|f| !secret::is_secret(&f.attribute))
        .map(|f| AuditChange {
            attribute: f.attribute.clone(),
            before: b.get(f.attribute.as_str()).cloned().unwrap_or_default(),
            after: f.value.clone(),
        })
        .collect();
    out.extend(secret_changes(sent));
    out
}

fn secret_changes(sent: &[Field]) -> impl Iterator<Item = AuditChange> + '_ {
    sent.iter()
        .filter(|f| secret::is_secret(&f.attribute))
        .map(|f| AuditChange {
            attribute: f.attribute.to_ascii_lowercase(),
            before: "(hidden)".into(),
            after: if f.value.is_empty() {
                "(cleared)"
            } else {
                "(changed)"
            }
            .into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_show_options_and_never_secret_values() {
        let before = [Field::new("username", "alice"), Field::new("realm", "")];
        let after = [
            Field::new("username", "alice"),
            Field::new("realm", "r1"),
            Field::new("password", "s3cret"),
        ];
        let sent = [Field::new("realm", "r1"), Field::new("PASSWORD", "s3cret")];
        let c = changes(&before, &after, &sent);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (
                c[0].attribute.as_str(),
                c[0].before.as_str(),
                c[0].after.as_str()
            ),
            ("realm", "", "r1")
        );
        assert_eq!(
            (c[1].attribute.as_str(), c[1].after.as_str()),
            ("password", "(changed)")
        );
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn a_creation_records_the_request_not_every_default() {
        let after: Vec<Field> = (0..200)
            .map(|i| Field::new(format!("option_{i}"), "default"))
            .collect();
        let sent = [
            Field::new("option_7", "default"),
            Field::new("password", "x"),
        ];
        let c = changes(&[], &after, &sent);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].attribute.as_str(), c[0].after.as_str()),
            ("option_7", "default")
        );
        assert_eq!(c[1].after, "(changed)");
    }
}
