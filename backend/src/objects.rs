//! The one pipeline both doors share: type and id already checked, body already checked; forward to
//! Asterisk and turn its answer into fields or an [`AppError`].

use axum::http::StatusCode;
use model::validate::{Finding, check_fields, check_object};
use model::{Field, ObjectId, ObjectType, PutBody, secret};

use model::api::{AuditChange, AuditEntry};

use crate::AppState;
use crate::ari::Upstream;
use crate::audit::{self, Who};
use crate::error::AppError;
use crate::store::Inventory;

/// Parses a type name from a path, exactly as Asterisk would (case-sensitive).
pub fn object_type(name: &str) -> Result<ObjectType, AppError> {
    ObjectType::parse(name).ok_or_else(|| AppError::unknown_type(name))
}

fn fields_of(up: &Upstream) -> Result<Vec<Field>, AppError> {
    serde_json::from_slice(&up.body).map_err(|e| {
        AppError::new(
            StatusCode::BAD_GATEWAY,
            format!("Asterisk's answer is not a list of fields: {e}"),
        )
    })
}

pub async fn read(st: &AppState, ty: ObjectType, id: &ObjectId) -> Result<Vec<Field>, AppError> {
    let up = st.ari.get_object(ty, id).await.map_err(AppError::ari)?;
    match up.status {
        200 => fields_of(&up),
        _ => Err(AppError::upstream(&up, ty, st.ari.user())),
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
) -> Result<(Vec<Field>, Vec<Finding>), AppError> {
    if let Some(why) = ty.write_refusal() {
        return Err(AppError::new(StatusCode::FORBIDDEN, why));
    }
    // The doors' parser ran this already; Conjure's own writers (phone users, templates) did not.
    body.check().map_err(AppError::body)?;
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
        return Err(refused(findings));
    }
    let fields = audited_put(st, ty, id, body, who, "put").await?;
    Ok((fields, findings))
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
) -> Result<Vec<Field>, AppError> {
    let before = st.store.fields(ty, id.as_str()).await?.unwrap_or_default();
    let sent = body.fields.as_deref().unwrap_or_default();
    match forward_put(st, ty, id, body).await {
        Ok(after) => {
            let (shown, secrets) = secret::redact(after.clone());
            let set: Vec<String> = secrets
                .into_iter()
                .filter(|(_, set)| *set)
                .map(|(a, _)| a)
                .collect();
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
                        fields: &shown,
                        secrets_set: &set,
                    },
                    &entry,
                )
                .await
                .map_err(saved_but_not_recorded)?;
            Ok(after)
        }
        Err(e) => {
            let status = e.body.asterisk_status.unwrap_or(0);
            let entry = entry(
                st,
                ty,
                id,
                who,
                action,
                audit::requested(&before, sent),
                status,
                &e.body.message,
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

fn saved_but_not_recorded(e: crate::store::StoreError) -> AppError {
    AppError::internal("Saved on Asterisk, but Conjure could not record it.", e).hint(
        "Open the object again to check it; Conjure's data directory may be full or read-only.",
    )
}

/// Records an object read from Asterisk (adoption), with an audit entry.
pub async fn adopt(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    fields: &[Field],
    who: &Who,
) -> Result<(), AppError> {
    let (shown, secrets) = secret::redact(fields.to_vec());
    let set: Vec<String> = secrets
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(a, _)| a)
        .collect();
    let entry = entry(st, ty, id, who, "adopt", Vec::new(), 200, "adopted");
    st.store
        .change(
            Inventory::Record {
                fields: &shown,
                secrets_set: &set,
            },
            &entry,
        )
        .await
        .map_err(AppError::from)
}

async fn forward_put(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
) -> Result<Vec<Field>, AppError> {
    let up = st
        .ari
        .put_object(ty, id, body)
        .await
        .map_err(AppError::ari)?;
    match up.status {
        200 => fields_of(&up),
        _ => Err(AppError::upstream(&up, ty, st.ari.user())),
    }
}

/// Delete and create again with exactly `body`: the only way to remove an entry from a list that a PUT
/// can only add to (identify `match`, aor `contact`). If the new object is refused, the old one is put back.
pub async fn replace(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<(Vec<Field>, Vec<Finding>), AppError> {
    if !matches!(ty, ObjectType::Identify | ObjectType::Aor) {
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            format!("replace is only for identify and aor objects, not {ty}"),
        ));
    }
    let findings = check_fields(ty, body.fields.as_deref().unwrap_or_default(), true);
    if findings.iter().any(Finding::is_error) {
        return Err(refused(findings));
    }
    let old = read(st, ty, id).await?;
    delete(st, ty, id, who).await?;
    match audited_put(st, ty, id, body, who, "replace").await {
        Ok(fields) => Ok((fields, findings)),
        Err(mut e) => {
            let restore = PutBody { fields: Some(old) };
            let restored = audited_put(st, ty, id, &restore, who, "restore")
                .await
                .is_ok();
            let note = if restored {
                "The previous object was put back unchanged."
            } else {
                "Putting the previous object back failed too: it is missing on Asterisk now; create it again."
            };
            e.body.hint = Some(
                format!("{} {note}", e.body.hint.unwrap_or_default())
                    .trim()
                    .to_string(),
            );
            Err(e)
        }
    }
}

pub async fn exists(st: &AppState, ty: ObjectType, id: &ObjectId) -> Result<bool, AppError> {
    let up = st.ari.get_object(ty, id).await.map_err(AppError::ari)?;
    match up.status {
        200 | 500 => Ok(true),
        404 => Ok(false),
        _ => Err(AppError::upstream(&up, ty, st.ari.user())),
    }
}

/// 400 naming the first problem, with all of them in `findings`.
fn refused(findings: Vec<Finding>) -> AppError {
    let errors: Vec<&Finding> = findings.iter().filter(|f| f.is_error()).collect();
    let first = errors[0];
    let place = match (first.index, &first.attribute) {
        (Some(i), Some(a)) => format!("fields[{i}] ({a}): "),
        (None, Some(a)) => format!("{a}: "),
        _ => String::new(),
    };
    let mut err = AppError::new(StatusCode::BAD_REQUEST, format!("{place}{}", first.message));
    if errors.len() > 1 {
        err = err.hint(format!(
            "{} problems in all; nothing was sent to Asterisk",
            errors.len()
        ));
    } else {
        err = err.hint("Nothing was sent to Asterisk.");
    }
    err.body.field_index = first.index;
    err.body.findings = findings;
    err
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
) -> Result<(), AppError> {
    remove(st, ty, id, who, false).await.map(drop)
}

/// Deletes an object, counting one Asterisk no longer has as deleted: for Conjure's own changes of
/// several objects (removing a phone user, undoing a half-made one).
pub async fn delete_if_present(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<Deleted, AppError> {
    remove(st, ty, id, who, true).await
}

async fn remove(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
    missing_is_deleted: bool,
) -> Result<Deleted, AppError> {
    if !ty.can_delete() {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            ty.write_refusal().unwrap_or_default(),
        ));
    }
    let up = match st.ari.delete_object(ty, id).await {
        Ok(up) => up,
        Err(e) => {
            let err = AppError::ari(e);
            let entry = entry(st, ty, id, who, "delete", Vec::new(), 0, &err.body.message);
            if let Err(db) = st.store.change(Inventory::Keep, &entry).await {
                tracing::error!(%ty, %id, %db, "a failed delete could not be audited");
            }
            return Err(err);
        }
    };
    let result = match up.status {
        204 | 200 => Ok(Deleted::Now),
        404 if missing_is_deleted => Ok(Deleted::AlreadyGone),
        _ => Err(AppError::upstream(&up, ty, st.ari.user())),
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
        Err(e) => e.body.message.clone(),
    };
    let entry = entry(st, ty, id, who, "delete", Vec::new(), up.status, &message);
    if let Err(e) = st.store.change(inventory, &entry).await {
        tracing::error!(%ty, %id, %e, "deleted on Asterisk but not recorded");
        if result.is_ok() {
            return Err(AppError::internal(
                "Deleted on Asterisk, but Conjure could not record it.",
                e,
            ));
        }
    }
    result
}

/// Reads a request body up to a hard cap, answering a JSON 413 past it (Asterisk's own limit is checked
/// by the body parser, with a message that says the limit).
pub async fn body_bytes(body: axum::body::Body) -> Result<bytes::Bytes, AppError> {
    const CAP: usize = 1 << 20;
    axum::body::to_bytes(body, CAP).await.map_err(|_| {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is over {CAP} bytes; Asterisk accepts at most {}",
                model::ASTERISK_MAX_BODY
            ),
        )
    })
}

/// The checked body of a PUT request (content type, size, shape: see `model::parse_put_body`).
pub async fn put_body(req: axum::extract::Request) -> Result<PutBody, AppError> {
    let ct = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = body_bytes(req.into_body()).await?;
    model::parse_put_body(ct.as_deref(), &bytes).map_err(AppError::body)
}
