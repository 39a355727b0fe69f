//! `/api/templates`: the option sets phone users are made from (read by all, changed by admins).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use model::provision::Template;

use super::json::AppJson;
use crate::auth::Principal;
use crate::domain::Domain;
use crate::error::AppError;
use crate::provision::templates;

pub async fn list(State(st): State<Domain>) -> Result<Json<Vec<Template>>, AppError> {
    Ok(Json(templates::all(&st.store).await?))
}

pub async fn save(
    State(st): State<Domain>,
    p: Principal,
    Path(name): Path<String>,
    AppJson(t): AppJson<Template>,
) -> Result<Json<Template>, AppError> {
    Ok(Json(templates::save(&st.store, name, t, &p.who()).await?))
}

pub async fn delete(
    State(st): State<Domain>,
    p: Principal,
    Path(name): Path<String>,
) -> Result<StatusCode, AppError> {
    templates::delete(&st.store, &name, &p.who()).await?;
    Ok(StatusCode::NO_CONTENT)
}
