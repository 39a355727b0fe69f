//! Deleting an object: on every server it goes to, or on one (the per-server door); recorded and
//! audited; a server that does not answer gets the delete later.

use model::fleet::ServerOutcome;
use model::{ObjectId, ObjectType};

use super::*;
use crate::ari::Upstream;
use crate::audit::Who;
use crate::domain::Domain;
use crate::fleet::fanout::{self, Change, Try};
use crate::store::Inventory;

/// What a delete found on Asterisk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// Asterisk had it and deleted it.
    Now,
    /// Asterisk did not have it (any more).
    AlreadyGone,
}

/// Deletes an object; one Asterisk does not have is an error (404), as on the doors.
pub async fn delete(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<Vec<ServerOutcome>, ObjectError> {
    remove(st, ty, id, who, false)
        .await
        .map(|(_, servers)| servers)
}

/// Deletes an object from one server (the per-server ARI door): one that goes to that server alone,
/// or one Conjure does not manage. An object that goes elsewhere too is not deleted behind the record.
pub async fn delete_on(
    st: &Domain,
    server: &std::sync::Arc<crate::fleet::Server>,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<(), ObjectError> {
    if st.store.fields(ty, id.as_str()).await?.is_none() {
        return delete(&st.on_server(server), ty, id, who).await.map(drop);
    }
    let only = [format!("server:{}", server.name)];
    let current = st.fleet.targets.get(ty, id.as_str());
    if current.as_deref() != Some(&only[..]) {
        return Err(ObjectError::TargetDiffers {
            ty,
            id: id.as_str().to_string(),
            current: describe(current.as_deref()),
        });
    }
    delete(st, ty, id, who).await.map(drop)
}

/// Deletes an object, counting one Asterisk no longer has as deleted: for Conjure's own changes of
/// several objects (removing a phone user, undoing a half-made one).
pub async fn delete_if_present(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<Deleted, ObjectError> {
    remove(st, ty, id, who, true).await.map(|(d, _)| d)
}

async fn remove(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
    missing_is_deleted: bool,
) -> Result<(Deleted, Vec<ServerOutcome>), ObjectError> {
    if !ty.can_delete() {
        return Err(ObjectError::NotWritable(
            ty.write_refusal().unwrap_or_default(),
        ));
    }
    let (up, servers) = match delete_everywhere(st, ty, id, who).await {
        Ok(r) => r,
        Err(err) => {
            let entry = entry(st, ty, id, who, "delete", Vec::new(), 0, &err.to_string());
            if let Err(db) = crate::managed::change_record(st, Inventory::Keep, &entry).await {
                tracing::error!(%ty, %id, %db, "a failed delete could not be audited");
            }
            return Err(err);
        }
    };
    let result = match up.status {
        204 | 200 => Ok(Deleted::Now),
        404 if missing_is_deleted => Ok(Deleted::AlreadyGone),
        _ => Err(refused_by_asterisk(st, ty, &up)),
    };
    // 404: it is gone either way, so the inventory forgets it too.
    let inventory = if matches!(up.status, 204 | 200 | 404) {
        Inventory::Forget
    } else {
        Inventory::Keep
    };
    let message = match &result {
        Ok(Deleted::Now) => said("deleted", &servers),
        Ok(Deleted::AlreadyGone) => said("already gone", &servers),
        Err(e) => e.to_string(),
    };
    let entry = entry(st, ty, id, who, "delete", Vec::new(), up.status, &message);
    if let Err(e) = crate::managed::change_record(st, inventory, &entry).await {
        tracing::error!(%ty, %id, %e, "deleted on Asterisk but not recorded");
        if result.is_ok() {
            return Err(ObjectError::NotRecorded {
                done: "Deleted",
                cause: e,
            });
        }
    }
    result.map(|d| (d, servers))
}

/// Deletes on every server. The answer that counts is a deletion where there was one, else "not
/// found" where every server that answered said so, else the first refusal. Servers that did not
/// answer get the delete later, once one server answered as a delete would.
async fn delete_everywhere(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<(Upstream, Vec<ServerOutcome>), ObjectError> {
    if st.fleet.is_single() {
        return Ok((st.ari.delete_object(ty, id).await?, Vec::new()));
    }
    let change = Change::Delete;
    let mut tried = fanout::send(st, ty, id, &change).await;
    let gone = |up: &Upstream| matches!(up.status, 204 | 200 | 404);
    let pick = tried
        .iter()
        .position(|t| matches!(&t.result, Try::Answered(up) if matches!(up.status, 204 | 200)))
        .or_else(|| {
            tried
                .iter()
                .position(|t| matches!(&t.result, Try::Answered(up) if up.status == 404))
        });
    let Some(i) = pick else {
        return Err(nowhere(ty, tried));
    };
    let servers = fanout::settle(st, ty, id, &change, &tried, gone, &who.actor).await;
    let Try::Answered(up) = std::mem::replace(&mut tried[i].result, Try::Behind) else {
        unreachable!("picked an answer")
    };
    Ok((up, servers))
}
