//! Drift: what Asterisk holds against what Conjure recorded. Both sides are Asterisk's own renderings
//! (Conjure records the answer to its push), so spellings (`yes`/`true`), durations and codec lists
//! already agree for an object nobody touched; what is left to normalise is the order of repeated
//! attributes (identify `match`, aor `contact`) and an empty value against an absent one.

use std::collections::BTreeMap;

use futures_util::{StreamExt, stream};
pub use model::drift::{Action, Difference, DriftReport, DriftState, Drifted};
use model::{Field, ObjectId, ObjectType, secret};

use crate::domain::Domain;
use crate::fleet::target::includes;
use crate::objects::ObjectError;
use crate::store::Managed;

/// Reads at once: a drift check of 10,000 objects should take seconds, and Asterisk answers GETs fast.
const CONCURRENCY: usize = 16;

/// The attributes of a rendering, each with its values sorted, empty values and secrets left out.
fn normalised(fields: &[Field]) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in fields {
        if f.value.is_empty() || secret::is_secret(&f.attribute) {
            continue;
        }
        m.entry(f.attribute.to_ascii_lowercase())
            .or_default()
            .push(f.value.clone());
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

/// How `now` (Asterisk's rendering) differs from `recorded`; `secrets` are the recorded secret fields
/// when Conjure knows them.
pub fn differences(
    recorded: &[Field],
    now: &[Field],
    secrets: Option<&[Field]>,
) -> Vec<Difference> {
    let (a, b) = (normalised(recorded), normalised(now));
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let (x, y) = (a.get(k), b.get(k));
        if x != y {
            let show = |v: Option<&Vec<String>>| v.map(|v| v.join(", ")).unwrap_or_default();
            out.push(Difference {
                attribute: k.clone(),
                recorded: show(x),
                asterisk: show(y),
            });
        }
    }
    for s in secrets.into_iter().flatten() {
        let theirs = now
            .iter()
            .find(|f| f.attribute.eq_ignore_ascii_case(&s.attribute))
            .map(|f| f.value.as_str());
        if theirs != Some(s.value.as_str()) {
            out.push(Difference {
                attribute: s.attribute.clone(),
                recorded: "(hidden)".into(),
                asterisk: if theirs.is_some_and(|t| !t.is_empty()) {
                    "(hidden, another value)".into()
                } else {
                    "(not set)".into()
                },
            });
        }
    }
    out
}

/// The recorded secrets of `m`, opened (`None` when Conjure does not know them or they do not open).
pub fn secrets_of(st: &Domain, m: &Managed) -> Option<Vec<Field>> {
    crate::managed::open_secrets(st, m.ty, &m.id, m.sealed.as_deref()?).ok()
}

/// Compares every managed object with Asterisk, and lists the endpoints Asterisk has that Conjure does
/// not manage.
pub async fn check(st: &Domain) -> Result<DriftReport, ObjectError> {
    let mut checked = 0;
    let mut items: Vec<Drifted> = Vec::new();
    let server = st.fleet.default_server();
    // A page of the record at a time: only what differs is kept.
    for ty in ObjectType::ALL.iter().copied() {
        let mut after = String::new();
        loop {
            let mut rows = st.store.managed_page(ty, &after, super::PAGE).await?;
            let Some(last) = rows.last() else { break };
            after.clone_from(&last.id);
            // Objects that go to other servers only are not compared with this one.
            rows.retain(|m| {
                st.fleet
                    .targets
                    .get(m.ty, &m.id)
                    .is_none_or(|t| includes(&t, &server))
            });
            checked += rows.len();
            let results: Vec<Option<Drifted>> = stream::iter(rows)
                .map(|m| async move { one(st, &m).await })
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
            items.extend(results.into_iter().flatten());
        }
    }
    let in_sync = checked - items.len();
    // An Asterisk that refuses the list (no endpoint module, an ARI user without read access) does
    // not spoil the comparison made above; one that does not answer does.
    let unmanaged = match crate::objects::unmanaged_endpoints(st).await {
        Ok(ids) => ids,
        Err(e @ ObjectError::Unanswered(_)) => return Err(e),
        Err(_) => Vec::new(),
    };
    items.extend(unmanaged.into_iter().map(|id| Drifted {
        object_type: "endpoint".into(),
        id,
        state: DriftState::Unmanaged,
        differences: Vec::new(),
        message: String::new(),
    }));
    items.sort_by(|a, b| (&a.object_type, &a.id).cmp(&(&b.object_type, &b.id)));
    Ok(DriftReport {
        checked,
        in_sync,
        items,
    })
}

async fn one(st: &Domain, m: &Managed) -> Option<Drifted> {
    let item = |state, differences, message: String| Drifted {
        object_type: m.ty.as_str().to_string(),
        id: m.id.clone(),
        state,
        differences,
        message,
    };
    let id = ObjectId::new(m.id.clone()).ok()?;
    let up = match st.ari.get_object(m.ty, &id).await {
        Ok(up) => up,
        Err(e) => return Some(item(DriftState::Unknown, Vec::new(), e.to_string())),
    };
    match up.status {
        200 => {
            let now: Vec<Field> = serde_json::from_slice(&up.body).unwrap_or_default();
            let d = differences(&m.fields, &now, secrets_of(st, m).as_deref());
            (!d.is_empty()).then(|| item(DriftState::Different, d, String::new()))
        }
        404 => Some(item(DriftState::Missing, Vec::new(), String::new())),
        _ => Some(item(
            DriftState::Unknown,
            Vec::new(),
            st.ari.refusal(&up).to_string(),
        )),
    }
}

/// Carries out the request on each item in turn; each answer says what was done or why not, so one
/// refused item does not hide the others' outcome.
pub async fn act_all(
    st: &Domain,
    req: model::drift::DriftRequest,
    who: &crate::audit::Who,
) -> Vec<model::drift::DriftOutcome> {
    let mut out = Vec::with_capacity(req.items.len());
    for item in req.items {
        let done = async {
            let ty = crate::objects::object_type(&item.object_type)?;
            let id = ObjectId::new(item.id.clone()).map_err(ObjectError::from)?;
            act(st, req.action, ty, &id, who).await
        }
        .await;
        out.push(model::drift::DriftOutcome {
            object_type: item.object_type,
            id: item.id,
            ok: done.is_ok(),
            message: match done {
                Ok(m) => m.to_string(),
                Err(e) => e.to_string(),
            },
        });
    }
    out
}

/// Carries out `action` on one object; says what was done.
pub async fn act(
    st: &Domain,
    action: Action,
    ty: ObjectType,
    id: &ObjectId,
    who: &crate::audit::Who,
) -> Result<&'static str, ObjectError> {
    use crate::objects;
    match action {
        Action::Adopt => {
            let fields = objects::read(st, ty, id).await?;
            objects::adopt(st, ty, id, &fields, who).await?;
            Ok("Asterisk's version is now the desired one")
        }
        Action::Forget => {
            let entry = model::api::AuditEntry {
                server: st.ari.base().to_string(),
                status: 200,
                ..crate::audit::event(
                    who,
                    "forget",
                    ty.as_str(),
                    id.as_str(),
                    "no longer managed; Asterisk keeps it",
                )
            };
            crate::managed::change_record(st, crate::store::Inventory::Forget, &entry).await?;
            Ok("no longer managed by Conjure")
        }
        Action::Reapply => {
            let m = st
                .store
                .managed_one(ty, id.as_str())
                .await?
                .ok_or_else(|| ObjectError::NotManaged(ty, id.as_str().to_string()))?;
            let body = crate::managed::push_body(st, &m)?;
            let up = st.ari.get_object(ty, id).await?;
            // A list entry Asterisk has and the record does not cannot be taken away by a PUT (it adds):
            // for those types the object is made again.
            if up.status == 200
                && matches!(ty, ObjectType::Identify | ObjectType::Aor)
                && let Ok(now) = serde_json::from_slice::<Vec<Field>>(&up.body)
                && differences(&m.fields, &now, None)
                    .iter()
                    .any(|d| matches!(d.attribute.as_str(), "match" | "contact"))
            {
                objects::delete(st, ty, id, who).await?;
            }
            objects::push_recorded(st, ty, id, &body, who).await?;
            Ok("Conjure's version is on Asterisk again")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_of_repeated_attributes_and_empty_values_are_not_drift() {
        let f = |a: &str, v: &str| Field::new(a, v);
        let recorded = [
            f("match", "10.0.0.1/255.255.255.255"),
            f("match", "10.0.0.2/255.255.255.255"),
            f("srv_lookups", "true"),
        ];
        let now = [
            f("srv_lookups", "true"),
            f("match", "10.0.0.2/255.255.255.255"),
            f("match", "10.0.0.1/255.255.255.255"),
            f("match_header", ""),
        ];
        assert!(differences(&recorded, &now, None).is_empty());
        let changed = [
            f("match", "10.0.0.2/255.255.255.255"),
            f("srv_lookups", "false"),
        ];
        let d = differences(&recorded, &changed, None);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(
            d[0].recorded,
            "10.0.0.1/255.255.255.255, 10.0.0.2/255.255.255.255"
        );
    }

    #[test]
    fn a_changed_secret_is_named_never_shown() {
        let f = |a: &str, v: &str| Field::new(a, v);
        let secrets = [f("password", "old-pw-1")];
        let d = differences(
            &[f("username", "u")],
            &[f("username", "u"), f("password", "new-pw-2")],
            Some(&secrets),
        );
        assert_eq!(d.len(), 1);
        let text = format!("{d:?}");
        assert!(
            !text.contains("old-pw-1") && !text.contains("new-pw-2"),
            "{text}"
        );
        assert!(differences(&[], &[f("password", "old-pw-1")], Some(&secrets)).is_empty());
    }
}
