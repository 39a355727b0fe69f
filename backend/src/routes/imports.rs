//! `/api/imports`: a spreadsheet of phone users checked, applied, followed row by row, cancelled, and
//! its results (with the generated passwords) downloaded.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use model::provision::ImportProgress;

use super::api::split_target;
use crate::AppState;
use crate::auth::Principal;
use crate::error::AppError;
use crate::provision::imports::{self, Started};
use crate::provision::{ProvisionError, import};

#[derive(serde::Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    /// Where the users' objects go: `server:<name>` and `group:<name>`, separated by commas.
    target: Option<String>,
}

/// `POST /api/imports[?dry_run=true]` with the file as the body.
pub async fn start(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ImportQuery>,
    req: Request,
) -> Result<Response, AppError> {
    let bytes = axum::body::to_bytes(req.into_body(), import::MAX_BYTES)
        .await
        .map_err(|_| ProvisionError::FileTooLarge)?;
    let target = q.target.as_deref().map(split_target);
    Ok(
        match imports::start(&st, &bytes, target, q.dry_run, &p).await? {
            Started::Checked(check) => Json(check).into_response(),
            Started::Running(started) => (StatusCode::ACCEPTED, Json(started)).into_response(),
        },
    )
}

pub async fn progress(
    State(st): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Json<ImportProgress>, AppError> {
    Ok(Json(imports::find(&st, id)?.progress.borrow().clone()))
}

/// Server-sent events: the progress after every row (coalesced), ending with the finished state.
pub async fn events(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<Response, AppError> {
    let rx = imports::find(&st, id)?.progress.subscribe();
    // The stream holds its place until it ends or the browser goes away.
    let held = st.polls.hold(&p.actor())?;
    let stream =
        futures_util::stream::unfold((rx, false, held), |(mut rx, done, held)| async move {
            if done {
                return None;
            }
            let now = rx.borrow_and_update().clone();
            let finished = now.finished;
            let event = Event::default()
                .json_data(&now)
                .expect("progress serialises");
            if !finished {
                // Wait for the next change; at most ten events a second reach the browser.
                tokio::time::sleep(Duration::from_millis(100)).await;
                if rx.changed().await.is_err() {
                    return Some((Ok::<_, Infallible>(event), (rx, true, held)));
                }
            }
            Some((Ok(event), (rx, finished, held)))
        });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

pub async fn cancel(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<StatusCode, AppError> {
    imports::cancel(&st, id, &p)?;
    Ok(StatusCode::ACCEPTED)
}

pub async fn results(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<Response, AppError> {
    Ok(super::download::csv(
        "import-results.csv",
        imports::results(&st, id, &p).await?,
    ))
}
