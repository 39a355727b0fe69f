//! Makes Asterisk hold what Conjure manages: reads every managed object (a few at a time), pushes again
//! what is missing, in the order objects name each other, and reads it back. An object Asterisk
//! refuses, or that Conjure cannot push (its secret unknown), is reported and the others go on.

use futures_util::{StreamExt, stream};
use model::api::AuditEntry;
pub use model::watch::{Problem, Report};
use model::{Field, ObjectId, ObjectType, PutBody};

use crate::audit::{self, Who};
use crate::domain::Domain;
use crate::fleet::target::includes;
use crate::managed::{Unpushable, push_fields, push_rank, record};
use crate::store::{Inventory, Managed};

/// How many objects are read or pushed at once: Asterisk's HTTP server is shared with everything else.
const CONCURRENCY: usize = 8;

enum Outcome {
    Present,
    Captured,
    Restored,
    /// Forgotten or changed through Conjure meanwhile: that change reached Asterisk itself.
    ChangedMeanwhile,
    Failed(String),
    /// Asterisk stopped answering: the watcher starts over when it is back.
    Unreachable,
}

/// Reconciles once, publishing progress; the report is also kept as the watcher's `last`.
pub async fn run(st: &Domain, reason: &str) -> Option<Report> {
    let counts = match st.store.counts().await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(%e, "cannot read Conjure's record to reconcile");
            return None;
        }
    };
    // Objects with changes waiting for this server are brought level by its queue, in order; pushing
    // the record as well would do the work twice (and could overtake a waiting delete).
    let server = st.fleet.default_server();
    let waiting = match st.store.pending_objects(&server.name).await {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(%e, "cannot read the changes waiting for this server");
            Default::default()
        }
    };
    let total: usize = counts.iter().map(|(_, n)| *n as usize).sum();
    st.watch.update(|s| {
        s.reconciling = Some((0, total));
        true
    });
    let mut report = Report {
        reason: reason.to_string(),
        checked: total,
        ..Report::default()
    };
    let mut done = 0;
    // Rank by rank (everything an endpoint names exists before the endpoint is pushed), each type a
    // page of the record at a time.
    let mut types: Vec<ObjectType> = ObjectType::ALL
        .iter()
        .copied()
        .filter(|t| counts.iter().any(|(name, n)| name == t.as_str() && *n > 0))
        .collect();
    types.sort_by_key(|t| push_rank(*t));
    for ty in types {
        let mut after = String::new();
        loop {
            let mut rows = match st.store.managed_page(ty, &after, super::PAGE).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(%e, "cannot read Conjure's record to reconcile");
                    st.watch.update(|s| s.reconciling.take().is_some());
                    return None;
                }
            };
            let Some(last) = rows.last() else { break };
            after.clone_from(&last.id);
            let before = rows.len();
            // Objects that go to other servers only are not this one's.
            rows.retain(|m| {
                st.fleet
                    .targets
                    .get(m.ty, &m.id)
                    .is_none_or(|t| includes(&t, &server))
            });
            report.checked -= before - rows.len();
            done += before - rows.len();
            let before = rows.len();
            if !waiting.is_empty() {
                rows.retain(|m| !waiting.contains(&(m.ty.as_str().to_string(), m.id.clone())));
            }
            report.waiting += before - rows.len();
            done += before - rows.len();
            let mut outcomes = stream::iter(rows)
                .map(|m| async move {
                    let key = (m.ty.as_str().to_string(), m.id.clone());
                    (key, one(st, m).await)
                })
                .buffer_unordered(CONCURRENCY);
            while let Some(((ty, id), outcome)) = outcomes.next().await {
                done += 1;
                match outcome {
                    Outcome::Present | Outcome::ChangedMeanwhile => report.present += 1,
                    Outcome::Captured => {
                        report.present += 1;
                        report.secrets_captured += 1;
                    }
                    Outcome::Restored => report.restored += 1,
                    Outcome::Failed(message) => {
                        tracing::warn!(%ty, %id, %message, "could not restore");
                        report.failed.push(Problem {
                            object_type: ty,
                            id,
                            message,
                        });
                    }
                    Outcome::Unreachable => {
                        st.watch.update(|s| s.reconciling.take().is_some());
                        return None;
                    }
                }
                // Each change wakes every waiting status request (and each asks Asterisk for its
                // version): progress is published by whole percents, not per object.
                if done == total || done * 100 / total != (done - 1) * 100 / total {
                    st.watch.update(|s| {
                        s.reconciling = Some((done.min(total), total));
                        true
                    });
                }
            }
        }
    }
    report.finished_at = crate::clock::now_rfc3339();
    let entry = AuditEntry {
        server: st.ari.base().to_string(),
        status: if report.failed.is_empty() { 200 } else { 207 },
        ..audit::event(
            &conjure(),
            "reconcile",
            "asterisk",
            "",
            format!(
                "{}: {} checked, {} present, {} restored, {} failed, {} secrets read from Asterisk",
                report.reason,
                report.checked,
                report.present,
                report.restored,
                report.failed.len(),
                report.secrets_captured
            ),
        )
    };
    // A restart or reload is worth a line in the audit even when nothing was lost; Conjure's own start
    // or an Asterisk back after a network hiccup only when something had to be done.
    let noteworthy = report.restored + report.failed.len() + report.secrets_captured > 0
        || reason.starts_with("Asterisk restarted")
        || reason.starts_with("Asterisk reloaded");
    if noteworthy && let Err(e) = st.store.log(&entry).await {
        tracing::error!(%e, "the reconcile could not be audited");
    }
    tracing::info!(summary = %report.summary(), "reconcile finished");
    st.watch.update(|s| {
        s.reconciling = None;
        s.last = Some(report.clone());
        true
    });
    Some(report)
}

fn conjure() -> Who {
    Who {
        actor: "conjure (reconcile)".into(),
        address: String::new(),
    }
}

async fn one(st: &Domain, m: Managed) -> Outcome {
    let Ok(id) = ObjectId::new(m.id.clone()) else {
        return Outcome::Failed("its id cannot be sent to Asterisk".into());
    };
    let up = match st.ari.get_object(m.ty, &id).await {
        Ok(up) => up,
        Err(_) => return Outcome::Unreachable,
    };
    match up.status {
        200 => capture(st, &m, &up.body).await,
        404 => restore(st, m, &id).await,
        _ => Outcome::Failed(st.ari.refusal(&up).to_string()),
    }
}

/// An object Asterisk has whose secrets Conjure does not know: read them now, while Asterisk has them.
async fn capture(st: &Domain, m: &Managed, body: &[u8]) -> Outcome {
    if m.sealed.is_some() || m.secrets_set.is_empty() {
        return Outcome::Present;
    }
    let Ok(fields) = serde_json::from_slice::<Vec<Field>>(body) else {
        return Outcome::Present;
    };
    let rec = record(st, m.ty, &m.id, &fields);
    match rec.sealed {
        Some(sealed) => match st
            .store
            .capture_sealed(m.ty, &m.id, m.version, &sealed)
            .await
        {
            Ok(()) => Outcome::Captured,
            Err(e) => Outcome::Failed(e.to_string()),
        },
        None => Outcome::Present,
    }
}

/// Pushes a missing object from its latest record (never one read before a change made meanwhile),
/// and reads it back.
async fn restore(st: &Domain, m: Managed, id: &ObjectId) -> Outcome {
    let latest = match st.store.managed_one(m.ty, &m.id).await {
        Ok(Some(l)) => l,
        Ok(None) => return Outcome::ChangedMeanwhile,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if latest.version != m.version {
        return Outcome::ChangedMeanwhile;
    }
    let fields = match push_fields(
        st,
        latest.ty,
        &latest.id,
        &latest.fields,
        &latest.secrets_set,
        latest.sealed.as_deref(),
    ) {
        Ok(f) => f,
        Err(u @ (Unpushable::SecretUnknown(_) | Unpushable::Unsealable)) => {
            return Outcome::Failed(u.to_string());
        }
    };
    let body = PutBody {
        fields: Some(fields),
    };
    let up = match st.ari.put_object(m.ty, id, &body).await {
        Ok(up) => up,
        Err(_) => return Outcome::Unreachable,
    };
    if up.status != 200 {
        return Outcome::Failed(format!(
            "Asterisk refused it again: {}",
            st.ari.refusal(&up)
        ));
    }
    match st.ari.get_object(m.ty, id).await {
        Ok(back) if back.status == 200 => {}
        Ok(back) => {
            return Outcome::Failed(format!(
                "pushed, but not there when read back ({})",
                back.status
            ));
        }
        Err(_) => return Outcome::Unreachable,
    }
    let entry = AuditEntry {
        server: st.ari.base().to_string(),
        status: 200,
        ..audit::event(
            &conjure(),
            "restore",
            m.ty.as_str(),
            &m.id,
            "missing on Asterisk: pushed again from Conjure's record",
        )
    };
    if let Err(e) = crate::managed::change_record(st, Inventory::Keep, &entry).await {
        tracing::error!(%e, "a restore could not be audited");
    }
    Outcome::Restored
}
