//! `/api/audit`: every change that reached Asterisk, newest first, filtered by actor, type, id and time;
//! also as CSV for a spreadsheet.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::api::{AuditEntry, AuditQuery};

use crate::AppState;
use crate::error::AppError;

pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    st.store
        .audit(q)
        .await
        .map(Json)
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

pub async fn csv(
    State(st): State<AppState>,
    Query(mut q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    if q.limit == 100 {
        q.limit = 10_000;
    }
    let entries = st
        .store
        .audit(q)
        .await
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let mut out =
        String::from("seq,at,actor,address,action,type,id,changes,server,status,message\r\n");
    for e in entries {
        let changes: Vec<String> = e
            .changes
            .iter()
            .map(|c| format!("{}: {} -> {}", c.attribute, c.before, c.after))
            .collect();
        let cells = [
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
        ];
        out.push_str(&cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    let mut resp = out.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    resp.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"conjure-audit.csv\""),
    );
    Ok(resp)
}

/// RFC 4180 quoting; a cell starting with `=`, `+`, `-` or `@` gets a leading `'` so a spreadsheet does not
/// run it as a formula (ids and values come from users).
fn quote(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}
