//! Signing in and out of the panel, who is signed in, and changing one's own password.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::account::{Login, Me, PasswordChange};

use crate::AppState;
use crate::auth::guard::{client_address, session_cookie};
use crate::auth::{Principal, Via};
use crate::config::ExposeSecret;
use crate::error::AppError;

/// Reads a small JSON body. Only `application/json` is taken: an HTML form on another site cannot send
/// it without a CORS preflight, so a cross-site page cannot sign a victim in as someone else.
pub async fn json_body<T: serde::de::DeserializeOwned>(req: Request) -> Result<T, AppError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
    if !is_json {
        return Err(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the request as JSON (Content-Type: application/json).",
        ));
    }
    let bytes = axum::body::to_bytes(req.into_body(), 16 * 1024)
        .await
        .map_err(|_| {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request is larger than 16 KB.",
            )
        })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        AppError::new(
            StatusCode::BAD_REQUEST,
            format!("The request is not what Conjure expects: {e}"),
        )
    })
}

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
pub async fn login(State(st): State<AppState>, req: Request) -> Result<Response, AppError> {
    let (parts, body) = req.into_parts();
    if parts
        .headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "Sign in on Conjure's own page.",
        ));
    }
    let address = client_address(&st.auth, &parts);
    let form: Login = json_body(Request::from_parts(parts.clone(), body)).await?;
    let opened = st
        .auth
        .login(form.user.trim(), form.password.expose(), &address)
        .await?;
    let cookie = session_cookie(
        &st.auth,
        &parts,
        opened.session.as_ref().map(|s| s.id.expose_secret()),
    );
    Ok(([(header::SET_COOKIE, cookie)], Json(me(&opened))).into_response())
}

/// `GET /api/session`: who is signed in, with the CSRF token the panel must echo.
pub async fn current(p: Principal) -> Json<Me> {
    Json(me(&p))
}

/// `POST /api/logout`.
pub async fn logout(State(st): State<AppState>, p: Principal, req: Request) -> Response {
    if let Some(keys) = &p.session {
        st.auth.logout(keys.id.expose_secret());
        tracing::info!(user = %p.name, "signed out");
    }
    let (parts, _) = req.into_parts();
    let cookie = session_cookie(&st.auth, &parts, None);
    ([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response()
}

/// `POST /api/password`: the signed-in user's own password.
pub async fn change_password(
    State(st): State<AppState>,
    p: Principal,
    req: Request,
) -> Result<StatusCode, AppError> {
    let change: PasswordChange = json_body(req).await?;
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
