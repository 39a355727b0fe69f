//! The one pipeline both doors share: type and id already checked, body already checked; forward to
//! Asterisk and turn its answer into fields or an [`AppError`].

use axum::http::StatusCode;
use model::validate::{Finding, check_fields, check_object};
use model::{Field, ObjectId, ObjectType, PutBody, secret};

use crate::AppState;
use crate::ari::Upstream;
use crate::error::AppError;

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
    actor: &str,
) -> Result<(Vec<Field>, Vec<Finding>), AppError> {
    if let Some(why) = ty.write_refusal() {
        return Err(AppError::new(StatusCode::FORBIDDEN, why));
    }
    let fields = body.fields.as_deref().unwrap_or_default();
    let mut findings = check_fields(ty, fields, false);
    // Rules for a new object (required options, an endpoint without codecs) only matter when the PUT
    // would break them; only then is it worth asking Asterisk whether the object exists.
    if findings.iter().all(|f| !f.is_error())
        && check_object(ty, fields, true).iter().any(Finding::is_error)
        && !exists(st, ty, id).await?
    {
        findings = check_fields(ty, fields, true);
    }
    if findings.iter().any(Finding::is_error) {
        return Err(refused(findings));
    }
    let fields = forward_put(st, ty, id, body).await?;
    remember(st, ty, id, &fields, actor).await?;
    Ok((fields, findings))
}

/// Records what Asterisk now holds. Asterisk has already changed, so a failure here says exactly that.
pub async fn remember(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    fields: &[Field],
    actor: &str,
) -> Result<(), AppError> {
    let (shown, secrets) = secret::redact(fields.to_vec());
    let set = secrets
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(a, _)| a)
        .collect();
    st.store.record(ty, id.as_str(), shown, set, actor).await.map_err(|e| {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("saved on Asterisk, but Conjure could not record it: {e}"))
            .hint("Open the object again to check it; Conjure's data directory may be full or read-only.")
    })
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
    actor: &str,
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
    delete(st, ty, id, actor).await?;
    match forward_put(st, ty, id, body).await {
        Ok(fields) => {
            remember(st, ty, id, &fields, actor).await?;
            Ok((fields, findings))
        }
        Err(mut e) => {
            let restore = PutBody { fields: Some(old) };
            let restored = match forward_put(st, ty, id, &restore).await {
                Ok(fields) => remember(st, ty, id, &fields, actor).await.is_ok(),
                Err(_) => false,
            };
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

async fn exists(st: &AppState, ty: ObjectType, id: &ObjectId) -> Result<bool, AppError> {
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

pub async fn delete(
    st: &AppState,
    ty: ObjectType,
    id: &ObjectId,
    actor: &str,
) -> Result<(), AppError> {
    if !ty.can_delete() {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            ty.write_refusal().unwrap_or_default(),
        ));
    }
    let up = st.ari.delete_object(ty, id).await.map_err(AppError::ari)?;
    let gone = matches!(up.status, 204 | 200 | 404);
    if gone && let Err(e) = st.store.forget(ty, id.as_str()).await {
        tracing::error!(%ty, %id, %actor, %e, "deleted on Asterisk but not from the inventory");
    }
    match up.status {
        204 | 200 => Ok(()),
        _ => Err(AppError::upstream(&up, ty, st.ari.user())),
    }
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
