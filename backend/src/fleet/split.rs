//! A change applied on some servers and refused by others stays split until a person decides:
//! `retry` sends Conjure's record to the servers that refused it (their cause fixed), `undo` puts the
//! object back as it was where the change was applied (deletes it there, if the change made it).

use std::sync::Arc;

use model::fleet::{Outcome, ServerOutcome, SplitChange};
use model::{ObjectId, ObjectType, PutBody};

use super::Server;
use super::fanout::{self, Change};
use crate::audit::{self, Who};
use crate::domain::Domain;
use crate::objects::error::ObjectError;
use crate::store::Inventory;

fn sealing(token: &str) -> String {
    format!("split:{token}")
}

/// Keeps a save that some servers applied and others refused; its token. Called before the new
/// rendering is recorded, so the record still holds the object as it was.
pub async fn keep(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    outcomes: &[ServerOutcome],
    who: &Who,
) -> Option<String> {
    let of = |o: Outcome| -> Vec<String> {
        outcomes
            .iter()
            .filter(|s| s.outcome == o)
            .map(|s| s.server.clone())
            .collect()
    };
    let (applied, refused) = (of(Outcome::Applied), of(Outcome::Refused));
    if applied.is_empty() || refused.is_empty() {
        return None;
    }
    let mut raw = [0u8; 12];
    getrandom::fill(&mut raw).expect("the system's random source");
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let previous = match st.store.managed_one(ty, id.as_str()).await {
        Ok(Some(m)) => match crate::managed::push_body(st, &m) {
            Ok(body) => Some(
                st.seal.seal(
                    &sealing(&token),
                    serde_json::to_string(&body)
                        .expect("bodies serialise")
                        .as_bytes(),
                ),
            ),
            // Without its previous secrets it cannot be put back: undo is not offered.
            Err(_) => return None,
        },
        Ok(None) => None,
        Err(e) => {
            tracing::error!(%e, "a split change could not be kept");
            return None;
        }
    };
    let change = SplitChange {
        token: token.clone(),
        object_type: ty.as_str().to_string(),
        id: id.as_str().to_string(),
        applied,
        refused,
        created: previous.is_none(),
        actor: who.actor.clone(),
        created_at: String::new(),
    };
    match st.store.add_split(change, previous).await {
        Ok(()) => {
            st.fleet.bump();
            Some(token)
        }
        Err(e) => {
            tracing::error!(%e, "a split change could not be kept");
            None
        }
    }
}

fn servers(st: &Domain, names: &[String]) -> Vec<Arc<Server>> {
    names.iter().filter_map(|n| st.fleet.get(n)).collect()
}

async fn take(st: &Domain, token: &str) -> Result<(SplitChange, Option<String>), ObjectError> {
    st.store
        .splits(Some(token))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ObjectError::NoSplit(token.to_string()))
}

fn object(c: &SplitChange) -> Result<(ObjectType, ObjectId), ObjectError> {
    let ty = crate::objects::error::object_type(&c.object_type)?;
    Ok((ty, ObjectId::new(c.id.clone())?))
}

async fn audited(st: &Domain, who: &Who, action: &str, c: &SplitChange, out: &[ServerOutcome]) {
    let entry = model::api::AuditEntry {
        status: 200,
        ..audit::event(
            who,
            action,
            &c.object_type,
            &c.id,
            format!("split change {action}: {}", fanout::summary(out)),
        )
    };
    if let Err(e) = crate::managed::change_record(st, Inventory::Keep, &entry).await {
        tracing::error!(%e, "a split change's end could not be audited");
    }
}

/// Sends Conjure's record of the object to the servers that refused the change.
pub async fn retry(st: &Domain, token: &str, who: &Who) -> Result<Vec<ServerOutcome>, ObjectError> {
    let (c, _) = take(st, token).await?;
    let (ty, id) = object(&c)?;
    let m = st
        .store
        .managed_one(ty, id.as_str())
        .await?
        .ok_or_else(|| ObjectError::NotManaged(ty, c.id.clone()))?;
    let body = crate::managed::push_body(st, &m)?;
    let put = Change::Put(&body);
    let tried = fanout::send_to(servers(st, &c.refused), ty, &id, &put).await;
    let out = fanout::settle(st, ty, &id, &put, &tried, |up| up.status == 200, &who.actor).await;
    // Refused again: it stays split, for another try or an undo.
    if out.iter().all(|o| o.outcome != Outcome::Refused) {
        st.store.remove_split(token).await?;
        st.fleet.bump();
    }
    audited(st, who, "retry", &c, &out).await;
    Ok(out)
}

/// Puts the object back as it was on the servers that applied the change, and in the record.
pub async fn undo(st: &Domain, token: &str, who: &Who) -> Result<Vec<ServerOutcome>, ObjectError> {
    let (c, previous) = take(st, token).await?;
    let (ty, id) = object(&c)?;
    let applied = servers(st, &c.applied);
    let out = match previous {
        // The change made it: it goes from where it was made, and from the record.
        None => {
            let tried = fanout::send_to(applied, ty, &id, &Change::Delete).await;
            let gone = |up: &crate::ari::Upstream| matches!(up.status, 200 | 204 | 404);
            let out = fanout::settle(st, ty, &id, &Change::Delete, &tried, gone, &who.actor).await;
            let entry = audit::event(
                who,
                "undo",
                ty.as_str(),
                id.as_str(),
                "no longer managed: the change that made it was undone",
            );
            crate::managed::change_record(st, Inventory::Forget, &entry).await?;
            out
        }
        Some(sealed) => {
            let body: PutBody = st
                .seal
                .open(&sealing(token), &sealed)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or_else(|| {
                    ObjectError::NotPushable(
                        "the object as it was does not open with this key file".into(),
                    )
                })?;
            let put = Change::Put(&body);
            let tried = fanout::send_to(applied, ty, &id, &put).await;
            let rendering = tried.iter().find_map(|t| match &t.result {
                fanout::Try::Answered(up) if up.status == 200 => {
                    serde_json::from_slice::<Vec<model::Field>>(&up.body).ok()
                }
                _ => None,
            });
            let out =
                fanout::settle(st, ty, &id, &put, &tried, |up| up.status == 200, &who.actor).await;
            // The record is the object as it was again.
            let fields = rendering.unwrap_or_else(|| body.fields.clone().unwrap_or_default());
            let entry = audit::event(who, "undo", ty.as_str(), id.as_str(), "put back as it was");
            crate::managed::record_rendering(st, ty, id.as_str(), &fields, &entry).await?;
            out
        }
    };
    st.store.remove_split(token).await?;
    st.fleet.bump();
    audited(st, who, "undo", &c, &out).await;
    Ok(out)
}
