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
use crate::audit;
use crate::auth::Principal;
use crate::error::AppError;
use crate::fleet::{registry, split};

pub async fn list(State(st): State<AppState>) -> Result<Json<Vec<ServerView>>, AppError> {
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
    State(st): State<AppState>,
    p: Principal,
    AppJson(new): AppJson<NewServer>,
) -> Result<(StatusCode, Json<ServerAdded>), AppError> {
    let added = registry::add(&st, new, &p.who()).await?;
    tracing::info!(server = %added.server.name, url = %added.server.ari_url, "server added");
    Ok((StatusCode::CREATED, Json(added)))
}

pub async fn change(
    State(st): State<AppState>,
    Path(name): Path<String>,
    p: Principal,
    AppJson(patch): AppJson<ServerPatch>,
) -> Result<Json<ServerAdded>, AppError> {
    Ok(Json(registry::change(&st, &name, patch, &p.who()).await?))
}

pub async fn remove(
    State(st): State<AppState>,
    Path(name): Path<String>,
    p: Principal,
) -> Result<Json<ServerRemoved>, AppError> {
    Ok(Json(registry::remove(&st, &name, &p.who()).await?))
}

fn no_such_change(seq: i64) -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        format!("No change {seq} is waiting (it may have been applied meanwhile)"),
    )
}

/// Tries a change that was refused again (its cause fixed on Asterisk).
pub async fn retry(
    State(st): State<AppState>,
    Path(seq): Path<i64>,
    p: Principal,
) -> Result<StatusCode, AppError> {
    let server = st
        .store
        .pending_retry(seq)
        .await?
        .ok_or_else(|| no_such_change(seq))?;
    if let Some(s) = st.fleet.get(&server) {
        s.queued();
    }
    audit::record(
        &st.store,
        audit::event(
            &p.who(),
            "retry",
            "pending",
            &seq.to_string(),
            format!("to be sent to {server} again"),
        ),
    )
    .await;
    Ok(StatusCode::ACCEPTED)
}

/// Drops a waiting change: that server will not get it (the reconciler still puts back what the
/// record holds when the server restarts).
pub async fn discard(
    State(st): State<AppState>,
    Path(seq): Path<i64>,
    p: Principal,
) -> Result<StatusCode, AppError> {
    let row = st
        .store
        .pending_one(seq)
        .await?
        .ok_or_else(|| no_such_change(seq))?;
    if !st.store.pending_done(seq).await? {
        return Err(no_such_change(seq));
    }
    let c = &row.change;
    if !c.refused
        && let Some(s) = st.fleet.get(&c.server)
    {
        s.done_with(1);
    }
    audit::record(
        &st.store,
        audit::event(
            &p.who(),
            "discard",
            &c.object_type,
            &c.id,
            format!("the waiting {} for {} was discarded", c.op, c.server),
        ),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/fleet/split/{token}/retry`: Conjure's record to the servers that refused the change.
pub async fn retry_split(
    State(st): State<AppState>,
    Path(token): Path<String>,
    p: Principal,
) -> Result<Json<PerServer>, AppError> {
    let servers = split::retry(&st, &token, &p.who()).await?;
    Ok(Json(PerServer { servers }))
}

/// `POST /api/fleet/split/{token}/undo`: the object as it was, where the change was applied.
pub async fn undo_split(
    State(st): State<AppState>,
    Path(token): Path<String>,
    p: Principal,
) -> Result<Json<PerServer>, AppError> {
    let servers = split::undo(&st, &token, &p.who()).await?;
    Ok(Json(PerServer { servers }))
}
