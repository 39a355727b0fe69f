//! Admin pages' API: panel users and API tokens. The router lets only admins reach these.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use model::account::{CreatedToken, Issued, NewToken, NewUser, TokenView, UserChange, UserView};

use super::json::AppJson;
use crate::auth::Principal;
use crate::domain::Domain;
use crate::error::AppError;

pub async fn users(State(st): State<Domain>) -> Result<Json<Vec<UserView>>, AppError> {
    Ok(Json(st.auth.users().await?))
}

pub async fn add_user(
    State(st): State<Domain>,
    p: Principal,
    AppJson(new): AppJson<NewUser>,
) -> Result<(StatusCode, Json<Issued>), AppError> {
    let password = new
        .password
        .filter(|p| !p.is_empty())
        .map(|p| p.expose().to_string());
    let (user, password) = st
        .auth
        .add_user(new.name.trim(), new.role, password, &p.who())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Issued {
            user,
            password: password.map(Into::into),
        }),
    ))
}

pub async fn change_user(
    State(st): State<Domain>,
    p: Principal,
    Path(name): Path<String>,
    AppJson(c): AppJson<UserChange>,
) -> Result<Json<Issued>, AppError> {
    let (user, password) = st
        .auth
        .change_user(&name, c.role, c.disabled, c.reset_password, &p.who())
        .await?;
    Ok(Json(Issued {
        user,
        password: password.map(Into::into),
    }))
}

pub async fn tokens(State(st): State<Domain>) -> Result<Json<Vec<TokenView>>, AppError> {
    Ok(Json(st.auth.tokens().await?))
}

pub async fn add_token(
    State(st): State<Domain>,
    p: Principal,
    AppJson(new): AppJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let (token, value) = st.auth.add_token(&new.name, new.role, &p.who()).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token,
            value: value.into(),
        }),
    ))
}

pub async fn revoke_token(
    State(st): State<Domain>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    st.auth.revoke_token(id, &p.who()).await?;
    Ok(StatusCode::NO_CONTENT)
}
