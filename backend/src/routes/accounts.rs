//! Admin pages' API: panel users and API tokens. The router lets only admins reach these.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use model::account::{
    CreatedToken, Issued, NewToken, NewUser, Role, TokenView, UserChange, UserView,
};

use super::json::AppJson;
use crate::AppState;
use crate::audit::{self, Who};
use crate::auth::Principal;
use crate::error::AppError;

fn role_word(disabled: bool) -> &'static str {
    if disabled { "disabled" } else { "enabled" }
}

async fn user_changed(
    st: &AppState,
    who: &Who,
    name: &str,
    before: Option<(Role, bool)>,
    c: &UserChange,
) {
    let mut e = audit::event(who, "change", "user", name, "");
    if let (Some(role), Some((was, _))) = (c.role, before)
        && role != was
    {
        e.changes.push(audit::change("role", was, role));
    }
    if let (Some(disabled), Some((_, was))) = (c.disabled, before)
        && disabled != was
    {
        e.changes.push(audit::change(
            "account",
            role_word(was),
            role_word(disabled),
        ));
    }
    if !e.changes.is_empty() {
        e.message = format!("{} changed the user {name}", who.actor);
        audit::record(&st.store, e).await;
    }
    if c.reset_password {
        let msg = format!(
            "{} reset the password of {name}; the new one was shown once",
            who.actor
        );
        audit::record(
            &st.store,
            audit::event(who, "reset-password", "user", name, msg),
        )
        .await;
    }
}

pub async fn users(State(st): State<AppState>) -> Result<Json<Vec<UserView>>, AppError> {
    Ok(Json(st.auth.users().await?))
}

pub async fn add_user(
    State(st): State<AppState>,
    p: Principal,
    AppJson(new): AppJson<NewUser>,
) -> Result<(StatusCode, Json<Issued>), AppError> {
    let password = new
        .password
        .filter(|p| !p.is_empty())
        .map(|p| p.expose().to_string());
    let (user, password) = st
        .auth
        .add_user(new.name.trim(), new.role, password)
        .await?;
    tracing::info!(by = %p.actor(), user = %user.name, role = %user.role, "user added");
    let mut e = audit::event(
        &p.who(),
        "add",
        "user",
        &user.name,
        format!("{} added the user {}", p.actor(), user.name),
    );
    e.changes.push(audit::change("role", "", user.role));
    audit::record(&st.store, e).await;
    Ok((
        StatusCode::CREATED,
        Json(Issued {
            user,
            password: password.map(Into::into),
        }),
    ))
}

pub async fn change_user(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
    AppJson(c): AppJson<UserChange>,
) -> Result<Json<Issued>, AppError> {
    let before = st.auth.standing(&name);
    let (user, password) = st
        .auth
        .change_user(&name, c.role, c.disabled, c.reset_password)
        .await?;
    tracing::info!(by = %p.actor(), user = %name, role = ?c.role, disabled = ?c.disabled, reset = c.reset_password, "user changed");
    user_changed(&st, &p.who(), &name, before, &c).await;
    Ok(Json(Issued {
        user,
        password: password.map(Into::into),
    }))
}

pub async fn tokens(State(st): State<AppState>) -> Result<Json<Vec<TokenView>>, AppError> {
    Ok(Json(st.auth.tokens().await?))
}

pub async fn add_token(
    State(st): State<AppState>,
    p: Principal,
    AppJson(new): AppJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let (token, value) = st.auth.add_token(&new.name, new.role, &p.actor()).await?;
    tracing::info!(by = %p.actor(), token = %token.name, role = %token.role, "token created");
    let mut e = audit::event(
        &p.who(),
        "create",
        "token",
        &token.name,
        format!("{} created the API token '{}'", p.actor(), token.name),
    );
    e.changes.push(audit::change("role", "", token.role));
    audit::record(&st.store, e).await;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token,
            value: value.into(),
        }),
    ))
}

pub async fn revoke_token(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    let name = st.auth.revoke_token(id).await?;
    tracing::info!(by = %p.actor(), token = id, "token revoked");
    let msg = format!("{} revoked the API token '{name}'", p.actor());
    audit::record(
        &st.store,
        audit::event(&p.who(), "revoke", "token", &name, msg),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}
