//! `/api/audit`: every change that reached Asterisk, newest first, filtered by actor, type, id and time;
//! also as CSV for a spreadsheet.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use model::api::{AuditEntry, AuditQuery};

use crate::AppState;
use crate::error::AppError;
use crate::spreadsheet;

pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let mut entries = st.store.audit(q).await.map_err(AppError::from)?;
    for e in &mut entries {
        e.summary = crate::audit::summary(e);
    }
    Ok(Json(entries))
}

pub async fn csv(
    State(st): State<AppState>,
    Query(mut q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    if q.limit == 100 {
        q.limit = 10_000;
    }
    let entries = st.store.audit(q).await.map_err(AppError::from)?;
    let rows = entries.into_iter().map(|e| {
        let changes: Vec<String> = e
            .changes
            .iter()
            .map(|c| format!("{}: {} -> {}", c.attribute, c.before, c.after))
            .collect();
        [
            e.seq.to_string(),
            e.at,
            e.actor,
            e.address,
            e.action,
            e.object_type.to_string(),
            e.id,
            changes.join("; "),
            e.server,
            e.status.to_string(),
            e.message,
        ]
    });
    let header = [
        "seq", "at", "actor", "address", "action", "type", "id", "changes", "server", "status",
        "message",
    ];
    Ok(super::download::csv(
        "conjure-audit.csv",
        spreadsheet::table(&header, rows),
    ))
}
