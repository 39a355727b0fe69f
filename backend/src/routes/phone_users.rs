//! `/api/phone-users`: provisioning for people who think in extensions and names, not in SIP objects.
//! Each handler reads its input, calls one function of `provision` and answers.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use model::account::Role;
use model::provision::{NewPhoneUser, PhoneSetup, PhoneUser, PhoneUserChange, PhoneUserSort};

use super::api::split_target;
use super::json::AppJson;
use crate::auth::Principal;
use crate::domain::Domain;
use crate::error::AppError;
use crate::provision::{self, listing};

#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    search: String,
    /// From 1 (0 is taken as 1).
    #[serde(default)]
    page: u32,
    #[serde(default)]
    sort: PhoneUserSort,
    #[serde(default)]
    descending: bool,
}

pub async fn list(
    State(st): State<Domain>,
    Query(q): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let page = listing::page(&st, &q.search, (q.sort, q.descending), q.page).await?;
    Ok(Json(page))
}

/// `GET /api/import-sample.csv`: a file in the import's columns to fill in.
pub async fn import_sample(State(st): State<Domain>) -> Result<Response, AppError> {
    Ok(super::download::csv(
        "phone-users-sample.csv",
        listing::sample(&st).await?,
    ))
}

/// `GET /api/next-extension`: `{"extension": "2042"}`, what the wizard offers a new user (null when the
/// extensions follow no numbering).
pub async fn next_extension(State(st): State<Domain>) -> Result<Json<serde_json::Value>, AppError> {
    let next = st.store.next_extension().await?;
    Ok(Json(serde_json::json!({ "extension": next })))
}

/// `GET /api/endpoint-states`: each PJSIP endpoint's state on the default server (`{"2041": "online"}`).
pub async fn endpoint_states(
    State(st): State<Domain>,
) -> Result<Json<std::collections::BTreeMap<String, String>>, AppError> {
    Ok(Json(crate::objects::endpoint_states(&st).await?))
}

#[derive(serde::Deserialize)]
pub struct CreateQuery {
    /// Where the user's objects go: `server:<name>` and `group:<name>`, separated by commas.
    target: Option<String>,
}

pub async fn create(
    State(st): State<Domain>,
    Query(q): Query<CreateQuery>,
    p: Principal,
    AppJson(new): AppJson<NewPhoneUser>,
) -> Result<(StatusCode, Json<PhoneSetup>), AppError> {
    let target = q.target.as_deref().map(split_target);
    let setup = provision::create(&st, &new, &p.who(), target.as_deref()).await?;
    tracing::info!(ext = %new.extension, by = %p.actor(), "phone user created");
    Ok((StatusCode::CREATED, Json(setup)))
}

pub async fn get(
    State(st): State<Domain>,
    Path(ext): Path<String>,
) -> Result<Json<PhoneUser>, AppError> {
    Ok(Json(listing::one(&st, &ext).await?))
}

pub async fn change(
    State(st): State<Domain>,
    p: Principal,
    Path(ext): Path<String>,
    AppJson(c): AppJson<PhoneUserChange>,
) -> Result<Json<PhoneSetup>, AppError> {
    Ok(Json(provision::change(&st, &ext, &c, &p.who()).await?))
}

pub async fn delete(
    State(st): State<Domain>,
    p: Principal,
    Path(ext): Path<String>,
) -> Result<StatusCode, AppError> {
    provision::delete(&st, &ext, &p.who()).await?;
    tracing::info!(%ext, by = %p.actor(), "phone user deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    passwords: bool,
}

/// Phone users as CSV, in the import's columns. Passwords only when an admin asks for them explicitly.
pub async fn export(
    State(st): State<Domain>,
    p: Principal,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    if q.passwords {
        p.require(Role::Admin)?;
    }
    Ok(super::download::csv(
        "phone-users.csv",
        listing::export(&st, q.passwords, &p.who()).await?,
    ))
}
