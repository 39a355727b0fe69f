//! `/api/drift`: Asterisk against Conjure's record, and what to do about each difference.

use axum::Json;
use axum::extract::{Query, State};
use model::drift::{DriftOutcome, DriftRequest};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Principal;
use crate::desired::drift::{self, DriftReport};
use crate::error::AppError;
use crate::fleet::error::FleetError;
use crate::objects::{ObjectError, object_type};

#[derive(Deserialize)]
pub struct Which {
    /// The server compared (default: the command line's).
    server: Option<String>,
}

/// The state as seen by the server asked for.
fn on(st: AppState, which: &Which) -> Result<AppState, AppError> {
    match &which.server {
        None => Ok(st),
        Some(name) => match st.fleet.get(name) {
            Some(server) => Ok(st.on_server(&server)),
            None => Err(FleetError::NoSuchServer(name.clone()).into()),
        },
    }
}

pub async fn report(
    State(st): State<AppState>,
    Query(which): Query<Which>,
) -> Result<Json<DriftReport>, AppError> {
    let st = on(st, &which)?;
    Ok(Json(st.watch.drift.get(|| drift::check(&st)).await?))
}

/// `POST /api/drift {"action": "reapply" | "adopt" | "forget", "items": [{"type", "id"}]}`.
pub async fn act(
    State(st): State<AppState>,
    Query(which): Query<Which>,
    p: Principal,
    Json(req): Json<DriftRequest>,
) -> Result<Json<Vec<DriftOutcome>>, AppError> {
    let st = on(st, &which)?;
    let who = p.who();
    let mut out = Vec::with_capacity(req.items.len());
    for item in req.items {
        let done = async {
            let ty = object_type(&item.object_type)?;
            let id = model::ObjectId::new(item.id.clone()).map_err(ObjectError::from)?;
            drift::act(&st, req.action, ty, &id, &who).await
        }
        .await;
        out.push(DriftOutcome {
            object_type: item.object_type,
            id: item.id,
            ok: done.is_ok(),
            message: match done {
                Ok(m) => m.to_string(),
                Err(e) => e.to_string(),
            },
        });
    }
    Ok(Json(out))
}
