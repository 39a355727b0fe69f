//! `/api`: the panel's JSON API.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use model::api::{Mode, ObjectView, SecretState, Status};
use model::fleet::ServerOutcome;
use model::validate::Finding;
use model::{Field, ObjectId, ObjectType, secret};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{AppError, WebError};
use crate::objects::{self, ObjectError, object_type};
use crate::routes::json::PutJson;

/// An object, and with several servers which one it was read from or what a save did on each (the
/// panel's `ObjectView` ignores both; scripts and the fleet-aware pages read them).
#[derive(serde::Serialize)]
pub struct Answer {
    #[serde(flatten)]
    view: ObjectView,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    servers: Vec<ServerOutcome>,
    /// Where it goes, with several servers: `[]` for every server.
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<Vec<String>>,
    /// Applied on some servers and refused by others: `POST /api/fleet/split/{split}/retry` or `/undo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    split: Option<String>,
}

/// The object's target, shown when there are several servers.
fn target_of(st: &AppState, ty: ObjectType, id: &ObjectId) -> Option<Vec<String>> {
    (st.fleet.all().len() > 1).then(|| {
        st.fleet
            .targets
            .get(ty, id.as_str())
            .map(|t| t.to_vec())
            .unwrap_or_default()
    })
}

fn view(ty: ObjectType, id: &ObjectId, fields: Vec<Field>, warnings: Vec<Finding>) -> ObjectView {
    let (fields, secrets) = secret::redact(fields);
    let secrets = secrets
        .into_iter()
        .map(|(attribute, set)| SecretState { attribute, set })
        .collect();
    ObjectView {
        object_type: ty,
        id: id.to_string(),
        fields,
        secrets,
        warnings,
    }
}

fn target(ty: &str, id: String) -> Result<(ObjectType, ObjectId), ObjectError> {
    Ok((object_type(ty)?, ObjectId::new(id)?))
}

pub async fn get_object(
    State(st): State<AppState>,
    Path((ty, id)): Path<(String, String)>,
) -> Result<Json<Answer>, AppError> {
    let (ty, id) = target(&ty, id)?;
    let (fields, read_from) = objects::read_from(&st, ty, &id).await?;
    Ok(Json(Answer {
        view: view(ty, &id, fields, Vec::new()),
        read_from,
        servers: Vec::new(),
        target: target_of(&st, ty, &id),
        split: None,
    }))
}

#[derive(serde::Deserialize)]
pub struct PutQuery {
    /// Delete and re-create instead of merging (to remove entries of an accumulating list).
    #[serde(default)]
    replace: bool,
    /// Where a new object goes: `server:<name>` and `group:<name>`, separated by commas (default:
    /// every server).
    target: Option<String>,
}

/// A target given in a query (`server:b, group:site-x`) as its entries.
pub(crate) fn split_target(t: &str) -> Vec<String> {
    t.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect()
}

pub async fn put_object(
    State(st): State<AppState>,
    Path((ty, id)): Path<(String, String)>,
    Query(q): Query<PutQuery>,
    p: Principal,
    PutJson(body): PutJson,
) -> Result<Json<Answer>, AppError> {
    let (ty, id) = target(&ty, id)?;
    let who = p.who();
    let target = q.target.as_deref().map(split_target);
    let saved = if q.replace {
        objects::replace(&st, ty, &id, &body, &who).await?
    } else {
        objects::write_to(&st, ty, &id, &body, &who, target.as_deref()).await?
    };
    tracing::info!(%ty, %id, fields = body.fields.as_ref().map_or(0, Vec::len), "object saved");
    let findings = saved.warnings();
    Ok(Json(Answer {
        view: view(ty, &id, saved.fields, findings),
        read_from: None,
        servers: saved.servers,
        target: target_of(&st, ty, &id),
        split: saved.split,
    }))
}

/// `PUT /api/objects/{type}/{id}/target`: moves a managed object to other servers.
pub async fn put_target(
    State(st): State<AppState>,
    Path((ty, id)): Path<(String, String)>,
    p: Principal,
    crate::routes::json::AppJson(t): crate::routes::json::AppJson<model::fleet::NewTarget>,
) -> Result<Json<model::fleet::Moved>, AppError> {
    let (ty, id) = target(&ty, id)?;
    Ok(Json(
        objects::retarget(&st, ty, &id, &t.target, t.confirm, &p.who()).await?,
    ))
}

pub async fn delete_object(
    State(st): State<AppState>,
    Path((ty, id)): Path<(String, String)>,
    p: Principal,
) -> Result<impl IntoResponse, AppError> {
    let (ty, id) = target(&ty, id)?;
    let servers = objects::delete(&st, ty, &id, &p.who()).await?;
    tracing::info!(%ty, %id, "object deleted");
    // With several servers the answer says what happened on each.
    Ok(if servers.is_empty() {
        StatusCode::NO_CONTENT.into_response()
    } else {
        Json(serde_json::json!({ "servers": servers })).into_response()
    })
}

#[derive(serde::Deserialize)]
pub struct StatusQuery {
    /// The `seq` the caller has: the answer waits (up to 25 s) until the watcher's state moves past it.
    wait: Option<u64>,
}

/// How long a waiting status request is held: below the idle timeouts of common proxies (30-60 s).
const STATUS_WAIT: std::time::Duration = std::time::Duration::from_secs(25);

pub async fn status(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Status>, AppError> {
    if let Some(seen) = q.wait {
        let _held = st.polls.hold(&p.actor())?;
        let mut rx = st.watch.subscribe();
        let _ = tokio::time::timeout(STATUS_WAIT, rx.wait_for(|w| w.seq != seen)).await;
    }
    let watch = st.watch.current();
    let (reachable, detail) = match st.ari.info().await {
        Ok(up) if up.status == 200 => {
            let v: serde_json::Value = serde_json::from_slice(&up.body).unwrap_or_default();
            (
                true,
                format!(
                    "Asterisk {}",
                    v["system"]["version"]
                        .as_str()
                        .unwrap_or("(unknown version)")
                ),
            )
        }
        Ok(up) => (false, st.ari.refusal(&up).to_string()),
        Err(e) => (false, e.to_string()),
    };
    let ari_url = if st.mode == Mode::Demo {
        "embedded simulator".to_string()
    } else {
        st.ari.base().to_string()
    };
    Ok(Json(Status {
        mode: st.mode,
        ari_url,
        reachable,
        detail,
        seq: watch.seq,
        watch: match crate::fleet::summary(&st.fleet) {
            Some(fleet) => format!("{} · {fleet}", watch.message),
            None => watch.message,
        },
    }))
}

pub async fn not_found() -> AppError {
    WebError::NoSuchRoute.into()
}
