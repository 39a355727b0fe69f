//! Admin pages' API: panel users and API tokens.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use model::account::{
    CreatedToken, Issued, NewToken, NewUser, Role, TokenView, UserChange, UserView,
};

use super::session::json_body;
use crate::AppState;
use crate::auth::Principal;
use crate::error::AppError;

pub async fn users(
    State(st): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<UserView>>, AppError> {
    p.require(Role::Admin)?;
    Ok(Json(st.auth.users().await?))
}

pub async fn add_user(
    State(st): State<AppState>,
    p: Principal,
    req: Request,
) -> Result<(StatusCode, Json<Issued>), AppError> {
    p.require(Role::Admin)?;
    let new: NewUser = json_body(req).await?;
    let password = new.password.filter(|p| !p.is_empty());
    let (user, password) = st
        .auth
        .add_user(new.name.trim(), new.role, password)
        .await?;
    tracing::info!(by = %p.actor(), user = %user.name, role = %user.role, "user added");
    Ok((StatusCode::CREATED, Json(Issued { user, password })))
}

pub async fn change_user(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
    req: Request,
) -> Result<Json<Issued>, AppError> {
    p.require(Role::Admin)?;
    let c: UserChange = json_body(req).await?;
    let (user, password) = st
        .auth
        .change_user(&name, c.role, c.disabled, c.reset_password)
        .await?;
    tracing::info!(by = %p.actor(), user = %name, role = ?c.role, disabled = ?c.disabled, reset = c.reset_password, "user changed");
    Ok(Json(Issued { user, password }))
}

pub async fn tokens(
    State(st): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<TokenView>>, AppError> {
    p.require(Role::Admin)?;
    Ok(Json(st.auth.tokens().await?))
}

pub async fn add_token(
    State(st): State<AppState>,
    p: Principal,
    req: Request,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    p.require(Role::Admin)?;
    let new: NewToken = json_body(req).await?;
    let (token, value) = st.auth.add_token(&new.name, new.role, &p.actor()).await?;
    tracing::info!(by = %p.actor(), token = %token.name, role = %token.role, "token created");
    Ok((StatusCode::CREATED, Json(CreatedToken { token, value })))
}

pub async fn revoke_token(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    p.require(Role::Admin)?;
    st.auth.revoke_token(id).await?;
    tracing::info!(by = %p.actor(), token = id, "token revoked");
    Ok(StatusCode::NO_CONTENT)
}
