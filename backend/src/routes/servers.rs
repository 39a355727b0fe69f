//! `/api/servers` (admins change the fleet; everyone signed in sees it) and `/api/fleet`: each server's
//! state and the changes waiting for servers that did not answer.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use model::fleet::{
    FleetView, NewServer, PerServer, ServerAdded, ServerPatch, ServerRemoved, ServerView,
};

use super::json::AppJson;
use crate::AppState;
use crate::auth::Principal;
use crate::domain::Domain;
use crate::error::AppError;
use crate::fleet::{pending, registry, split};

pub async fn list(State(st): State<Domain>) -> Result<Json<Vec<ServerView>>, AppError> {
    Ok(Json(registry::view(&st).await?.servers))
}

#[derive(serde::Deserialize)]
pub struct FleetQuery {
    /// The `seq` the caller has: the answer waits (up to 25 s) for the next change.
    wait: Option<u64>,
}

pub async fn fleet(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<FleetQuery>,
) -> Result<Json<FleetView>, AppError> {
    if let Some(seen) = q.wait {
        let _held = st.polls.hold(&p.actor())?;
        st.fleet
            .wait_past(seen, std::time::Duration::from_secs(25))
            .await;
    }
    Ok(Json(registry::view(&st).await?))
}

pub async fn add(
    State(st): State<Domain>,
    p: Principal,
    AppJson(new): AppJson<NewServer>,
) -> Result<(StatusCode, Json<ServerAdded>), AppError> {
    let added = registry::add(&st, new, &p.who()).await?;
    tracing::info!(server = %added.server.name, url = %added.server.ari_url, "server added");
    Ok((StatusCode::CREATED, Json(added)))
}

pub async fn change(
    State(st): State<Domain>,
    Path(name): Path<String>,
    p: Principal,
    AppJson(patch): AppJson<ServerPatch>,
) -> Result<Json<ServerAdded>, AppError> {
    Ok(Json(registry::change(&st, &name, patch, &p.who()).await?))
}

pub async fn remove(
    State(st): State<Domain>,
    Path(name): Path<String>,
    p: Principal,
) -> Result<Json<ServerRemoved>, AppError> {
    Ok(Json(registry::remove(&st, &name, &p.who()).await?))
}

/// Tries a change that was refused again (its cause fixed on Asterisk).
pub async fn retry(
    State(st): State<Domain>,
    Path(seq): Path<i64>,
    p: Principal,
) -> Result<StatusCode, AppError> {
    pending::retry(&st, seq, &p.who()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Drops a waiting change: that server will not get it.
pub async fn discard(
    State(st): State<Domain>,
    Path(seq): Path<i64>,
    p: Principal,
) -> Result<StatusCode, AppError> {
    pending::discard(&st, seq, &p.who()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/fleet/split/{token}/retry`: Conjure's record to the servers that refused the change.
pub async fn retry_split(
    State(st): State<Domain>,
    Path(token): Path<String>,
    p: Principal,
) -> Result<Json<PerServer>, AppError> {
    let servers = split::retry(&st, &token, &p.who()).await?;
    Ok(Json(PerServer { servers }))
}

/// `POST /api/fleet/split/{token}/undo`: the object as it was, where the change was applied.
pub async fn undo_split(
    State(st): State<Domain>,
    Path(token): Path<String>,
    p: Principal,
) -> Result<Json<PerServer>, AppError> {
    let servers = split::undo(&st, &token, &p.who()).await?;
    Ok(Json(PerServer { servers }))
}
