//! The changes a server did not answer, sent again once it answers: a batch of the oldest at a time,
//! several objects at once, each object's changes in the order they were made (a delete never
//! overtakes the save before it). A try that finds the server still down waits (0.5 s, doubling to
//! 30 s) or until its watcher sees it up; a change Asterisk refuses is set aside for a person (the
//! servers page lists it with its error) and the others go on, so one bad change never holds the rest.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::{StreamExt, stream};
use model::api::AuditEntry;
use model::{ObjectId, ObjectType, PutBody};

use super::Server;
use super::fanout::context;
use crate::audit::{self, Who};
use crate::domain::Domain;
use crate::store::{Inventory, PendingRow};

const FIRST_WAIT: Duration = Duration::from_millis(500);
const LONGEST_WAIT: Duration = Duration::from_secs(30);
/// Changes read per batch, and objects sent to at once (as many as a fan-out's share of a server).
const BATCH: usize = 512;
const CONCURRENCY: usize = 8;

enum Tried {
    Applied(&'static str),
    Down(String),
    Refused(String),
}

/// Runs `server`'s queue until the task is stopped.
pub fn spawn(st: Domain, server: Arc<Server>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = FIRST_WAIT;
        let mut seen = server.watch.subscribe();
        loop {
            if server.waiting() == 0 {
                server.wake.notified().await;
                continue;
            }
            let rows = match st.store.next_pending(&server.name, BATCH).await {
                Ok(rows) if rows.is_empty() => {
                    server.set_waiting(0);
                    continue;
                }
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(%e, "cannot read the changes waiting for {}", server.name);
                    tokio::time::sleep(LONGEST_WAIT).await;
                    continue;
                }
            };
            if let Some(why) = batch(&st, &server, rows).await {
                tracing::debug!(server = %server.name, %why, "still down");
                // Until the wait is over, or the watcher sees the server answer again.
                let back = async {
                    loop {
                        if seen.changed().await.is_err() {
                            std::future::pending::<()>().await;
                        }
                        if seen.borrow_and_update().up == Some(true) {
                            break;
                        }
                    }
                };
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = back => {}
                }
                wait = (wait * 2).min(LONGEST_WAIT);
            } else {
                wait = FIRST_WAIT;
            }
        }
    })
}

/// Sends one batch; `Some(why)` when the server stopped answering on the way.
async fn batch(st: &Domain, server: &Server, rows: Vec<PendingRow>) -> Option<String> {
    // Each object's changes, in order; objects in the order of their first change.
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let mut objects: Vec<Vec<PendingRow>> = Vec::new();
    for row in rows {
        let key = (row.change.object_type.clone(), row.change.id.clone());
        match at.get(&key) {
            Some(&i) => objects[i].push(row),
            None => {
                at.insert(key, objects.len());
                objects.push(vec![row]);
            }
        }
    }
    // Once the server stops answering, nothing more is started: a server that hangs would otherwise
    // cost a timeout per object of the batch.
    let stop = AtomicBool::new(false);
    let stop = &stop;
    let tried: Vec<Vec<(PendingRow, Tried)>> = stream::iter(objects)
        .map(|changes| async move {
            let mut out = Vec::with_capacity(changes.len());
            for row in changes {
                if stop.load(Ordering::Acquire) {
                    break;
                }
                let t = apply(st, server, &row).await;
                let down = matches!(t, Tried::Down(_));
                out.push((row, t));
                // The object's later changes wait behind this one.
                if down {
                    stop.store(true, Ordering::Release);
                    break;
                }
            }
            out
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut applied = Vec::new();
    let mut finished = 0;
    let mut down = None;
    for (row, t) in tried.into_iter().flatten() {
        let seq = row.change.seq;
        match t {
            Tried::Applied(what) => {
                applied.push(seq);
                audit(st, server, &row, 200, what).await;
            }
            Tried::Refused(why) => {
                finished += 1;
                if let Err(e) = st.store.pending_failed(seq, &why, true).await {
                    tracing::error!(%e, "a refused change could not be marked");
                }
                tracing::warn!(server = %server.name, %why, "a waiting change was refused");
                let said = format!("waiting change refused: {why}");
                audit(st, server, &row, 400, &said).await;
            }
            Tried::Down(why) => {
                if let Err(e) = st.store.pending_failed(seq, &why, false).await {
                    tracing::error!(%e, "a failed try could not be counted");
                }
                down.get_or_insert(why);
            }
        }
    }
    finished += applied.len();
    if !applied.is_empty()
        && let Err(e) = st.store.pending_all_done(applied).await
    {
        tracing::error!(%e, "applied changes stay listed as waiting (they will be sent again)");
    }
    server.done_with(finished);
    down
}

async fn apply(st: &Domain, server: &Server, row: &PendingRow) -> Tried {
    let c = &row.change;
    let (Some(ty), Ok(id)) = (
        ObjectType::parse(&c.object_type),
        ObjectId::new(c.id.clone()),
    ) else {
        return Tried::Refused("Conjure no longer knows this type or id".into());
    };
    let sent = if c.op == "delete" {
        server.ari.delete_object(ty, &id).await
    } else {
        let body = row
            .body
            .as_deref()
            .and_then(|b| st.seal.open(&context(&server.name), b).ok())
            .and_then(|b| serde_json::from_slice::<PutBody>(&b).ok());
        let Some(body) = body else {
            return Tried::Refused(
                "its kept body does not open with this key file (was --secret-key-file changed?)"
                    .into(),
            );
        };
        server.ari.put_object(ty, &id, &body).await
    };
    match sent {
        Err(e) => Tried::Down(e.to_string()),
        Ok(up) => match (c.op.as_str(), up.status) {
            ("delete", 204 | 200) => Tried::Applied("waiting change applied: deleted"),
            ("delete", 404) => Tried::Applied("waiting change applied: it was already gone"),
            ("put", 200) => Tried::Applied("waiting change applied: saved"),
            _ => Tried::Refused(server.ari.refusal(&up).to_string()),
        },
    }
}

async fn audit(st: &Domain, server: &Server, row: &PendingRow, status: u16, message: &str) {
    let c = &row.change;
    let who = Who {
        actor: c.actor.clone(),
        address: String::new(),
    };
    let entry = AuditEntry {
        server: server.ari.base().to_string(),
        status,
        ..audit::event(&who, &c.op, &c.object_type, &c.id, message)
    };
    if let Err(e) = crate::managed::change_record(st, Inventory::Keep, &entry).await {
        tracing::error!(%e, "a waiting change's outcome could not be audited");
    }
}
