//! The changes a server did not answer, sent again in the order they were made once it answers. A try
//! that finds it still down waits (0.5 s, doubling to 30 s) or until its watcher sees it up; a change
//! Asterisk refuses is set aside for a person (the fleet page lists it with its error) and the next
//! one goes on, so one bad change never holds the others.

use std::sync::Arc;
use std::time::Duration;

use model::api::AuditEntry;
use model::{ObjectId, ObjectType, PutBody};

use super::Server;
use super::fanout::context;
use crate::AppState;
use crate::audit::{self, Who};
use crate::store::{Inventory, PendingRow};

const FIRST_WAIT: Duration = Duration::from_millis(500);
const LONGEST_WAIT: Duration = Duration::from_secs(30);

enum Tried {
    Applied(&'static str),
    Down(String),
    Refused(String),
}

/// Runs `server`'s queue until the task is stopped.
pub fn spawn(st: AppState, server: Arc<Server>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = FIRST_WAIT;
        let mut seen = server.watch.subscribe();
        loop {
            if server.waiting() == 0 {
                server.wake.notified().await;
                continue;
            }
            let row = match st.store.next_pending(&server.name).await {
                Ok(Some(row)) => row,
                Ok(None) => {
                    server.set_waiting(0);
                    continue;
                }
                Err(e) => {
                    tracing::error!(%e, "cannot read the changes waiting for {}", server.name);
                    tokio::time::sleep(LONGEST_WAIT).await;
                    continue;
                }
            };
            let seq = row.change.seq;
            match apply(&st, &server, &row).await {
                Tried::Applied(what) => {
                    wait = FIRST_WAIT;
                    if let Err(e) = st.store.pending_done(seq).await {
                        tracing::error!(%e, "an applied change stays listed as waiting");
                    }
                    server.set_waiting(server.waiting().saturating_sub(1));
                    audit(&st, &server, &row, 200, what).await;
                }
                Tried::Refused(why) => {
                    wait = FIRST_WAIT;
                    if let Err(e) = st.store.pending_failed(seq, &why, true).await {
                        tracing::error!(%e, "a refused change could not be marked");
                    }
                    server.set_waiting(server.waiting().saturating_sub(1));
                    tracing::warn!(server = %server.name, %why, "a waiting change was refused");
                    audit(
                        &st,
                        &server,
                        &row,
                        400,
                        &format!("waiting change refused: {why}"),
                    )
                    .await;
                }
                Tried::Down(why) => {
                    if let Err(e) = st.store.pending_failed(seq, &why, false).await {
                        tracing::error!(%e, "a failed try could not be counted");
                    }
                    server.changed();
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
                }
            }
        }
    })
}

async fn apply(st: &AppState, server: &Server, row: &PendingRow) -> Tried {
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

async fn audit(st: &AppState, server: &Server, row: &PendingRow, status: u16, message: &str) {
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
    if let Err(e) = st.store.change(Inventory::Keep, &entry).await {
        tracing::error!(%e, "a waiting change's outcome could not be audited");
    }
}
