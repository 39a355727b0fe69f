//! The one pipeline both doors share: type and id already checked, body already checked; forward to
//! Asterisk and turn its answer into fields or an [`AppError`].

use axum::http::StatusCode;
use model::{Field, ObjectId, ObjectType, PutBody};

use crate::AppState;
use crate::ari::Upstream;
use crate::error::AppError;

/// Parses a type name from a path, exactly as Asterisk would (case-sensitive).
pub fn object_type(name: &str) -> Result<ObjectType, AppError> {
    ObjectType::parse(name).ok_or_else(|| AppError::unknown_type(name))
}

fn fields(up: &Upstream) -> Result<Vec<Field>, AppError> {
    serde_json::from_slice(&up.body).map_err(|e| {
        AppError::new(StatusCode::BAD_GATEWAY, format!("Asterisk's answer is not a list of fields: {e}"))
    })
}

pub async fn read(st: &AppState, ty: ObjectType, id: &ObjectId) -> Result<Vec<Field>, AppError> {
    let up = st.ari.get_object(ty, id).await.map_err(AppError::ari)?;
    match up.status {
        200 => fields(&up),
        _ => Err(AppError::upstream(&up, ty, st.ari.user())),
    }
}

pub async fn write(st: &AppState, ty: ObjectType, id: &ObjectId, body: &PutBody) -> Result<Vec<Field>, AppError> {
    if let Some(why) = ty.write_refusal() {
        return Err(AppError::new(StatusCode::FORBIDDEN, why));
    }
    let up = st.ari.put_object(ty, id, body).await.map_err(AppError::ari)?;
    match up.status {
        200 => fields(&up),
        _ => Err(AppError::upstream(&up, ty, st.ari.user())),
    }
}

pub async fn delete(st: &AppState, ty: ObjectType, id: &ObjectId) -> Result<(), AppError> {
    if !ty.can_delete() {
        return Err(AppError::new(StatusCode::FORBIDDEN, ty.write_refusal().unwrap_or_default()));
    }
    let up = st.ari.delete_object(ty, id).await.map_err(AppError::ari)?;
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
        AppError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is over {CAP} bytes; Asterisk accepts at most {}", model::ASTERISK_MAX_BODY))
    })
}
