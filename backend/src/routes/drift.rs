//! `/api/drift`: Asterisk against Conjure's record, and what to do about each difference.

use axum::Json;
use axum::extract::{Query, State};
use model::drift::{DriftOutcome, DriftRequest};
use serde::Deserialize;

use crate::auth::Principal;
use crate::desired::drift::{self, DriftReport};
use crate::domain::Domain;
use crate::error::AppError;
use crate::fleet::error::FleetError;

#[derive(Deserialize)]
pub struct Which {
    /// The server compared (default: the command line's).
    server: Option<String>,
}

/// The domain as seen by the server asked for.
fn on(st: Domain, which: &Which) -> Result<Domain, FleetError> {
    match &which.server {
        None => Ok(st),
        Some(name) => match st.fleet.get(name) {
            Some(server) => Ok(st.on_server(&server)),
            None => Err(FleetError::NoSuchServer(name.clone())),
        },
    }
}

pub async fn report(
    State(st): State<Domain>,
    Query(which): Query<Which>,
) -> Result<Json<DriftReport>, AppError> {
    let st = on(st, &which)?;
    Ok(Json(st.watch.drift.get(|| drift::check(&st)).await?))
}

/// `POST /api/drift {"action": "reapply" | "adopt" | "forget", "items": [{"type", "id"}]}`.
pub async fn act(
    State(st): State<Domain>,
    Query(which): Query<Which>,
    p: Principal,
    Json(req): Json<DriftRequest>,
) -> Result<Json<Vec<DriftOutcome>>, AppError> {
    let st = on(st, &which)?;
    Ok(Json(drift::act_all(&st, req, &p.who()).await))
}
