//! Signing in and out of the panel, who is signed in, and changing one's own password.

use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use model::account::{Login, Me, PasswordChange};

use super::json::AppJson;
use crate::AppState;
use crate::auth::{Principal, Via};
use crate::error::{AppError, WebError};
use crate::routes::guard::{client_address, device_cookie, device_cookie_values, session_cookie};
use crate::secret::ExposeSecret;

fn me(p: &Principal) -> Me {
    Me {
        user: p.name.clone(),
        role: p.role,
        via: p.via.as_str().into(),
        csrf: p
            .session
            .as_ref()
            .map(|s| s.csrf.expose_secret().into())
            .unwrap_or_default(),
    }
}

/// `POST /api/login`.
pub async fn login(
    State(st): State<AppState>,
    parts: Parts,
    AppJson(form): AppJson<Login>,
) -> Result<Response, AppError> {
    if parts
        .headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return Err(WebError::SignInHere.into());
    }
    let address = client_address(&st.auth, &parts);
    let user = form.user.trim();
    let devices = device_cookie_values(&st.auth, &parts);
    let (opened, device) = st
        .auth
        .login(user, form.password.expose(), &address, &devices)
        .await?;
    let cookie = session_cookie(
        &st.auth,
        &parts,
        opened.session.as_ref().map(|s| s.id.expose_secret()),
    );
    let device = device_cookie(&st.auth, &parts, &device);
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie), (header::SET_COOKIE, device)]),
        Json(me(&opened)),
    )
        .into_response())
}

/// `GET /api/session`: who is signed in, with the CSRF token the panel must echo.
pub async fn current(p: Principal) -> Json<Me> {
    Json(me(&p))
}

/// `POST /api/logout`.
pub async fn logout(State(st): State<AppState>, p: Principal, parts: Parts) -> Response {
    if let Some(keys) = &p.session {
        st.auth.logout(keys.id.expose_secret());
        tracing::info!(user = %p.name, "signed out");
    }
    let cookie = session_cookie(&st.auth, &parts, None);
    ([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response()
}

/// `POST /api/password`: the signed-in user's own password.
pub async fn change_password(
    State(st): State<AppState>,
    p: Principal,
    AppJson(change): AppJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    st.auth
        .change_password(&p, change.current.expose(), change.new.expose())
        .await?;
    tracing::info!(user = %p.name, via = p.via.as_str(), "password changed");
    if p.via == Via::Basic {
        tracing::info!(
            "scripts using the old password for {} must be updated",
            p.name
        );
    }
    Ok(StatusCode::NO_CONTENT)
}
