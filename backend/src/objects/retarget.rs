//! Moving a managed object to other servers: deleted where it no longer goes (after the caller
//! confirmed that, naming the servers), pushed from Conjure's record where it now goes; a server that
//! does not answer gets the delete or the push later, in order, from its queue.

use std::sync::Arc;

use model::{ObjectId, ObjectType};

use super::{ObjectError, describe};
use crate::audit::{self, Who};
use crate::domain::Domain;
use crate::fleet::Server;
use crate::fleet::fanout::{self, Change};
use crate::store::Inventory;

pub use model::fleet::Moved;

fn names(servers: &[Arc<Server>]) -> String {
    servers
        .iter()
        .map(|s| s.name.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Moves an object to `target`: pushed where it now goes, deleted where it no longer does (when the caller confirmed that).
pub async fn retarget(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    target: &[String],
    confirm: bool,
    who: &Who,
) -> Result<Moved, ObjectError> {
    let new = st.fleet.check_target(target)?;
    let m = st
        .store
        .managed_one(ty, id.as_str())
        .await?
        .ok_or_else(|| ObjectError::NotManaged(ty, id.as_str().to_string()))?;
    let old = st.fleet.targets.get(ty, id.as_str());
    let before = st.fleet.servers_for(old.as_deref());
    let after = st.fleet.servers_for(new.as_deref());
    let leaving: Vec<Arc<Server>> = before
        .iter()
        .filter(|s| !after.iter().any(|a| a.name == s.name))
        .cloned()
        .collect();
    let joining: Vec<Arc<Server>> = after
        .iter()
        .filter(|s| !before.iter().any(|b| b.name == s.name))
        .cloned()
        .collect();
    if !leaving.is_empty() && !confirm {
        return Err(ObjectError::ConfirmMove {
            ty,
            id: id.as_str().to_string(),
            servers: names(&leaving),
        });
    }
    let body = crate::managed::push_body(st, &m)?;
    // The new target first: changes made meanwhile go where it now goes.
    st.store
        .set_target(ty.as_str(), id.as_str(), new.as_deref())
        .await?;
    st.fleet.targets.set(ty, id.as_str(), new.clone());
    let mut servers = Vec::new();
    if !leaving.is_empty() {
        let tried = fanout::send_to(leaving, ty, id, &Change::Delete).await;
        let gone = |up: &crate::ari::Upstream| matches!(up.status, 200 | 204 | 404);
        servers.extend(fanout::settle(st, ty, id, &Change::Delete, &tried, gone, &who.actor).await);
    }
    if !joining.is_empty() {
        let put = Change::Put(&body);
        let tried = fanout::send_to(joining, ty, id, &put).await;
        let taken = |up: &crate::ari::Upstream| up.status == 200;
        servers.extend(fanout::settle(st, ty, id, &put, &tried, taken, &who.actor).await);
    }
    let message = format!(
        "moved from {} to {}{}",
        describe(old.as_deref()),
        describe(new.as_deref()),
        if servers.is_empty() {
            String::new()
        } else {
            format!(" ({})", fanout::summary(&servers))
        }
    );
    let entry = model::api::AuditEntry {
        status: 200,
        ..audit::event(who, "target", ty.as_str(), id.as_str(), message)
    };
    if let Err(e) = crate::managed::change_record(st, Inventory::Keep, &entry).await {
        tracing::error!(%e, "a move could not be audited");
    }
    Ok(Moved {
        target: new.map(|t| t.to_vec()).unwrap_or_default(),
        servers,
    })
}
