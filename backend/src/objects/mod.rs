//! The one pipeline both doors share: type and id already checked, body already checked; forward to
//! Asterisk and turn its answer into fields or an [`ObjectError`].

pub(crate) mod error;

pub use error::ObjectError;

use model::validate::{Finding, check_fields, check_object};
use model::{Field, ObjectId, ObjectType, PutBody};

use model::api::{AuditChange, AuditEntry};

use crate::AppState;
use crate::ari::Upstream;
use crate::audit::{self, Who};
use crate::store::Inventory;

/// Parses a type name from a path, exactly as Asterisk would (case-sensitive).
pub fn object_type(name: &str) -> Result<ObjectType, ObjectError> {
    ObjectType::parse(name).ok_or_else(|| ObjectError::UnknownType(name.to_string()))
}

fn fields_of(up: &Upstream) -> Result<Vec<Field>, ObjectError> {
    serde_json::from_slice(&up.body).map_err(|e| ObjectError::BadAnswer(e.to_string()))
}

pub async fn read(st: &AppState, ty: ObjectType, id: &ObjectId) -> Result<Vec<Field>, ObjectError> {
    let up = st.ari.get_object(ty, id).await?;
    answered(st, ty, &up)
}

/// The object Asterisk answered with, or its refusal.
fn answered(st: &AppState, ty: ObjectType, up: &Upstream) -> Result<Vec<Field>, ObjectError> {
    match up.status {
        200 => fields_of(up),
        _ => Err(refused_by_asterisk(st, ty, up)),
    }
}

/// Checks a PUT with the catalog and forwards it. Returns Asterisk's rendering of the object and the
/// warnings (values Asterisk accepts but changes).
pub async fn write(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<(Vec<Field>, Vec<Finding>), ObjectError> {
    if let Some(why) = ty.write_refusal() {
        return Err(ObjectError::NotWritable(why));
    }
    // The doors' parser ran this already; Conjure's own writers (phone users, templates) did not.
    body.check()?;
    let fields = body.fields.as_deref().unwrap_or_default();
    let mut findings = check_fields(ty, fields, false);
    // Rules for a new object (required options, an endpoint without codecs) only matter when the PUT
    // would break them; only then is it worth asking Asterisk whether the object exists.
    if findings.iter().all(|f| !f.is_error()) {
        let creation = check_object(ty, fields, true);
        if creation.iter().any(Finding::is_error) && !exists(st, ty, id).await? {
            // A new object: the per-field findings stand; the object rules are those of a creation.
            findings.retain(|f| f.index.is_some());
            findings.extend(creation);
        }
    }
    if findings.iter().any(Finding::is_error) {
        return Err(ObjectError::Invalid(findings));
    }
    let fields = audited_put(st, ty, id, body, who, "put").await?;
    Ok((fields, findings))
}

/// Pushes an object from Conjure's record (drift's "re-apply"): Asterisk's own rendering, checked when
/// it was first pushed, so not checked again; recorded and audited as any save.
pub async fn push_recorded(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<Vec<Field>, ObjectError> {
    audited_put(st, ty, id, body, who, "reapply").await
}

/// Forwards a checked PUT and records the outcome: the inventory and the audit entry on success, the
/// audit entry alone when Asterisk refuses or does not answer.
async fn audited_put(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
    action: &str,
) -> Result<Vec<Field>, ObjectError> {
    let before = st.store.fields(ty, id.as_str()).await?.unwrap_or_default();
    let sent = body.fields.as_deref().unwrap_or_default();
    match forward_put(st, ty, id, body).await {
        Ok(after) => {
            let rec = crate::desired::record(st, ty, id.as_str(), &after);
            let entry = entry(
                st,
                ty,
                id,
                who,
                action,
                audit::changes(&before, &after, sent),
                200,
                "saved",
            );
            st.store
                .change(
                    Inventory::Record {
                        fields: &rec.shown,
                        secrets_set: &rec.secrets_set,
                        sealed: rec.sealed.as_deref(),
                    },
                    &entry,
                )
                .await
                .map_err(saved_but_not_recorded)?;
            Ok(after)
        }
        Err(e) => {
            let status = e.asterisk_status().unwrap_or(0);
            let entry = entry(
                st,
                ty,
                id,
                who,
                action,
                audit::requested(&before, sent),
                status,
                &e.to_string(),
            );
            if let Err(db) = st.store.change(Inventory::Keep, &entry).await {
                tracing::error!(%ty, %id, %db, "a refused change could not be audited");
            }
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn entry(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
    action: &str,
    changes: Vec<AuditChange>,
    status: u16,
    message: &str,
) -> AuditEntry {
    AuditEntry {
        changes,
        server: st.ari.base().to_string(),
        status,
        ..audit::event(who, action, ty.as_str(), id.as_str(), message)
    }
}

fn saved_but_not_recorded(cause: crate::store::StoreError) -> ObjectError {
    ObjectError::NotRecorded {
        done: "Saved",
        cause,
    }
}

fn refused_by_asterisk(st: &AppState, ty: ObjectType, up: &Upstream) -> ObjectError {
    ObjectError::Refused {
        ty,
        refusal: st.ari.refusal(up),
    }
}

/// Records an object read from Asterisk (adoption), with an audit entry.
pub async fn adopt(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    fields: &[Field],
    who: &Who,
) -> Result<(), ObjectError> {
    let rec = crate::desired::record(st, ty, id.as_str(), fields);
    let entry = entry(st, ty, id, who, "adopt", Vec::new(), 200, "adopted");
    st.store
        .change(
            Inventory::Record {
                fields: &rec.shown,
                secrets_set: &rec.secrets_set,
                sealed: rec.sealed.as_deref(),
            },
            &entry,
        )
        .await
        .map_err(ObjectError::from)
}

async fn forward_put(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
) -> Result<Vec<Field>, ObjectError> {
    let up = st.ari.put_object(ty, id, body).await?;
    answered(st, ty, &up)
}

/// Delete and create again with exactly `body`: the only way to remove an entry from a list that a PUT
/// can only add to (identify `match`, aor `contact`). If the new object is refused, the old one is put back.
pub async fn replace(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<(Vec<Field>, Vec<Finding>), ObjectError> {
    if !matches!(ty, ObjectType::Identify | ObjectType::Aor) {
        return Err(ObjectError::NotReplaceable(ty));
    }
    let findings = check_fields(ty, body.fields.as_deref().unwrap_or_default(), true);
    if findings.iter().any(Finding::is_error) {
        return Err(ObjectError::Invalid(findings));
    }
    let old = read(st, ty, id).await?;
    delete(st, ty, id, who).await?;
    match audited_put(st, ty, id, body, who, "replace").await {
        Ok(fields) => Ok((fields, findings)),
        Err(failed) => {
            let restore = PutBody { fields: Some(old) };
            let restored = audited_put(st, ty, id, &restore, who, "restore")
                .await
                .is_ok();
            Err(ObjectError::ReplaceFailed {
                failed: Box::new(failed),
                restored,
            })
        }
    }
}

pub async fn exists(st: &AppState, ty: ObjectType, id: &ObjectId) -> Result<bool, ObjectError> {
    let up = st.ari.get_object(ty, id).await?;
    match up.status {
        200 | 500 => Ok(true),
        404 => Ok(false),
        _ => Err(refused_by_asterisk(st, ty, &up)),
    }
}

/// What a delete found on Asterisk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Now,
    /// Asterisk did not have it (any more).
    AlreadyGone,
}

/// Deletes an object; one Asterisk does not have is an error (404), as on the doors.
pub async fn delete(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<(), ObjectError> {
    remove(st, ty, id, who, false).await.map(drop)
}

/// Deletes an object, counting one Asterisk no longer has as deleted: for Conjure's own changes of
/// several objects (removing a phone user, undoing a half-made one).
pub async fn delete_if_present(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<Deleted, ObjectError> {
    remove(st, ty, id, who, true).await
}

async fn remove(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
    missing_is_deleted: bool,
) -> Result<Deleted, ObjectError> {
    if !ty.can_delete() {
        return Err(ObjectError::NotWritable(
            ty.write_refusal().unwrap_or_default(),
        ));
    }
    let up = match st.ari.delete_object(ty, id).await {
        Ok(up) => up,
        Err(e) => {
            let err = ObjectError::from(e);
            let entry = entry(st, ty, id, who, "delete", Vec::new(), 0, &err.to_string());
            if let Err(db) = st.store.change(Inventory::Keep, &entry).await {
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
        Ok(Deleted::Now) => "deleted".to_string(),
        Ok(Deleted::AlreadyGone) => "already gone".to_string(),
        Err(e) => e.to_string(),
    };
    let entry = entry(st, ty, id, who, "delete", Vec::new(), up.status, &message);
    if let Err(e) = st.store.change(inventory, &entry).await {
        tracing::error!(%ty, %id, %e, "deleted on Asterisk but not recorded");
        if result.is_ok() {
            return Err(ObjectError::NotRecorded {
                done: "Deleted",
                cause: e,
            });
        }
    }
    result
}
