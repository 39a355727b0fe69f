//! One change, every enabled server at once. Each server's requests are bounded by its own connection
//! pool (`max_connections`), so a slow server holds only its own share; the change's answer waits for
//! every server (each within its timeout) so it can say what happened on each. What did not reach a
//! server is kept in order for it (queue.rs) and reported as queued.

use std::sync::Arc;

use futures_util::future::join_all;
use model::fleet::{Outcome, ServerOutcome};
use model::{ObjectId, ObjectType, PutBody};

use super::Server;
use crate::ari::{AriError, Upstream};
use crate::domain::Domain;
use crate::store::NewPending;

/// What one server did with a request.
pub enum Try {
    /// It answered (whatever the status).
    Answered(Upstream),
    /// No answer: it is kept for later if the change is taken.
    Down(AriError),
    /// Not sent: earlier changes still wait for this server, and this one must not overtake them.
    Behind,
}

/// One server's part in a change.
pub struct Tried {
    /// The server.
    pub server: Arc<Server>,
    /// What it did.
    pub result: Try,
}

/// What a change is, to keep it for a server that did not take it.
pub enum Change<'a> {
    /// Create or update with this body.
    Put(&'a PutBody),
    /// Delete.
    Delete,
}

impl Change<'_> {
    fn op(&self) -> &'static str {
        match self {
            Change::Put(_) => "put",
            Change::Delete => "delete",
        }
    }
}

/// Sends the change to every enabled server concurrently.
pub async fn send(st: &Domain, ty: ObjectType, id: &ObjectId, change: &Change<'_>) -> Vec<Tried> {
    let target = st.fleet.targets.get(ty, id.as_str());
    let servers = st.fleet.servers_for(target.as_deref());
    // Every server the change goes to is still catching up (just back from being down): rather than
    // refuse it, wait a moment for one of them to be level, then send.
    if !servers.is_empty()
        && servers.iter().all(|s| s.waiting() > 0)
        && servers.iter().any(|s| s.watch.current().up == Some(true))
    {
        st.fleet
            .one_caught_up(&servers, std::time::Duration::from_secs(5))
            .await;
    }
    send_to(servers, ty, id, change).await
}

/// Sends the change to `servers` concurrently.
pub async fn send_to(
    servers: Vec<Arc<Server>>,
    ty: ObjectType,
    id: &ObjectId,
    change: &Change<'_>,
) -> Vec<Tried> {
    join_all(servers.into_iter().map(|server| async move {
        let result = if server.waiting() > 0 {
            Try::Behind
        } else {
            let sent = match change {
                Change::Put(body) => server.ari.put_object(ty, id, body).await,
                Change::Delete => server.ari.delete_object(ty, id).await,
            };
            match sent {
                Ok(up) => Try::Answered(up),
                Err(e) => Try::Down(e),
            }
        };
        Tried { server, result }
    }))
    .await
}

/// The sealing context of a kept body: a body sealed for one server does not open as another's.
pub(crate) fn context(server: &str) -> String {
    format!("pending:{server}")
}

/// Keeps the change for every server it did not reach, and says what happened on each. `taken` tells
/// an answer that counts as done (`200` for a PUT; `204`, `200` or `404` for a delete).
pub async fn settle(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    change: &Change<'_>,
    tried: &[Tried],
    taken: impl Fn(&Upstream) -> bool,
    actor: &str,
) -> Vec<ServerOutcome> {
    let mut out = Vec::with_capacity(tried.len());
    for t in tried {
        let name = t.server.name.to_string();
        let outcome = match &t.result {
            Try::Answered(up) if taken(up) => ServerOutcome {
                server: name,
                outcome: Outcome::Applied,
                message: if up.status == 404 {
                    "it did not have it".into()
                } else {
                    String::new()
                },
                hint: String::new(),
            },
            Try::Answered(up) => {
                let refusal = t.server.ari.refusal(up);
                ServerOutcome {
                    server: name,
                    outcome: Outcome::Refused,
                    message: refusal.to_string(),
                    hint: refusal.hint(ty).unwrap_or_default(),
                }
            }
            Try::Down(e) => keep(st, &t.server, ty, id, change, &e.to_string(), actor).await,
            Try::Behind => {
                let why = format!(
                    "{} earlier changes are still waiting for it",
                    t.server.waiting()
                );
                keep(st, &t.server, ty, id, change, &why, actor).await
            }
        };
        out.push(outcome);
    }
    out
}

/// Changes kept for one server at most. A server gone for good would otherwise collect every change
/// made meanwhile (each with its sealed body) without end; past this, a change is refused for that
/// server, and the save's answer (and the split it makes) says so.
pub const MAX_WAITING_CHANGES: usize = 100_000;

async fn keep(
    st: &Domain,
    server: &Server,
    ty: ObjectType,
    id: &ObjectId,
    change: &Change<'_>,
    why: &str,
    actor: &str,
) -> ServerOutcome {
    if server.waiting() >= MAX_WAITING_CHANGES {
        return ServerOutcome {
            server: server.name.to_string(),
            outcome: Outcome::Refused,
            message: format!(
                "{why}, and {} changes wait for it already: Conjure keeps at most {MAX_WAITING_CHANGES} for one server",
                server.waiting()
            ),
            hint: "Bring that server back (its waiting changes are then sent), or remove it from the fleet; then make this change again there."
                .into(),
        };
    }
    let body = match change {
        Change::Put(b) => Some(
            st.seal.seal(
                &context(&server.name),
                serde_json::to_string(b)
                    .expect("bodies serialise")
                    .as_bytes(),
            ),
        ),
        Change::Delete => None,
    };
    let kept = st
        .store
        .enqueue(NewPending {
            server: server.name.to_string(),
            object_type: ty.as_str().to_string(),
            id: id.as_str().to_string(),
            op: change.op(),
            body,
            actor: actor.to_string(),
            why: why.to_string(),
        })
        .await;
    match kept {
        Ok(_) => {
            server.queued();
            ServerOutcome {
                server: server.name.to_string(),
                outcome: Outcome::Queued,
                message: format!("{why}; kept, and sent when it answers"),
                hint: String::new(),
            }
        }
        Err(e) => {
            tracing::error!(server = %server.name, %e, "a change for a server that did not answer could not be kept");
            ServerOutcome {
                server: server.name.to_string(),
                outcome: Outcome::Refused,
                message: format!("{why}, and Conjure could not keep the change for later: {e}"),
                hint: "Make the change again once the server answers; Conjure's log says why its database failed.".into(),
            }
        }
    }
}

/// One line for the audit: what happened beyond the first server.
pub fn summary(outcomes: &[ServerOutcome]) -> String {
    outcomes
        .iter()
        .map(|o| {
            let what = match o.outcome {
                Outcome::Applied => "applied",
                Outcome::Refused => "refused",
                Outcome::Queued => "queued",
            };
            if o.message.is_empty() || o.outcome == Outcome::Applied {
                format!("{}: {what}", o.server)
            } else {
                format!("{}: {what} ({})", o.server, o.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_server_whose_queue_is_full_is_refused_the_change_instead() {
        let ari = crate::ari::AriClient::new(crate::AriTarget::plain(
            "http://127.0.0.1:9".into(),
            "u",
            "p",
        ))
        .unwrap();
        let st = Domain::new(
            ari,
            model::api::Mode::Asterisk,
            Some(crate::Secret::from("admin-pw-1234")),
            crate::store::Store::in_memory().unwrap(),
        );
        let server = st.fleet.default_server();
        let id = ObjectId::new("full-queue").unwrap();
        let kept = keep(
            &st,
            &server,
            ObjectType::Aor,
            &id,
            &Change::Delete,
            "down",
            "admin",
        )
        .await;
        assert_eq!(kept.outcome, Outcome::Queued, "{kept:?}");
        server.set_waiting(MAX_WAITING_CHANGES);
        let refused = keep(
            &st,
            &server,
            ObjectType::Aor,
            &id,
            &Change::Delete,
            "down",
            "admin",
        )
        .await;
        assert_eq!(refused.outcome, Outcome::Refused, "{refused:?}");
        assert!(
            refused.message.contains("at most 100000"),
            "{}",
            refused.message
        );
    }
}
