//! The ARI-shaped door: `/ari/asterisk/config/dynamic/res_pjsip/{type}/{id}` answers as Asterisk does, so
//! existing push-configuration scripts work by changing host and credentials only. It is not a proxy:
//! only that path, only res_pjsip and known types, only checked bodies reach Asterisk.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use model::{CONFIG_CLASS, ObjectId, secret};

use crate::AppState;
use crate::audit::Who;
use crate::error::AppError;
use crate::objects::{self, object_type};

const ALLOW: &str = "OPTIONS,GET,PUT,DELETE";
const PREFIX: &str = "/ari/asterisk/config/dynamic/";

pub async fn handle(State(st): State<AppState>, req: Request) -> Response {
    match door(&st, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn door(st: &AppState, req: Request) -> Result<Response, AppError> {
    authenticate(st, &req)?;
    let path = req.uri().path().to_string();
    if path.len() > 1 && path.ends_with('/') {
        let fixed = path.trim_end_matches('/');
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            format!("ARI URLs do not end with a slash. Try {fixed}"),
        ));
    }
    let rest = path
        .get(PREFIX.len()..)
        .filter(|_| path[..PREFIX.len().min(path.len())].eq_ignore_ascii_case(PREFIX));
    let segs: Vec<&str> = rest.map(|r| r.split('/').collect()).unwrap_or_default();
    let [class, ty, raw_id] = segs.as_slice() else {
        return Err(
            AppError::new(StatusCode::NOT_FOUND, "Resource not found").hint(format!(
                "Conjure forwards only {PREFIX}{CONFIG_CLASS}/{{type}}/{{id}}"
            )),
        );
    };
    let method = req.method().clone();
    let who = Who::new("ari-door", &req);
    if method == Method::OPTIONS {
        return Ok(with_allow(StatusCode::NO_CONTENT.into_response()));
    }
    if !matches!(method, Method::GET | Method::PUT | Method::DELETE) {
        let mut r = AppError::new(StatusCode::METHOD_NOT_ALLOWED, "Invalid method").into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(ALLOW));
        return Ok(r);
    }
    if *class != CONFIG_CLASS {
        return Err(AppError::new(StatusCode::NOT_FOUND, format!("configClass '{class}' not found"))
            .hint("Every PJSIP type lives in the config class res_pjsip, and Conjure forwards nothing else."));
    }
    let ty = object_type(ty)?;
    let id = ObjectId::from_asterisk_path_segment(raw_id).map_err(AppError::bad_id)?;
    let fields = match method {
        Method::GET => objects::read(st, ty, &id).await?,
        Method::DELETE => {
            objects::delete(st, ty, &id, &who).await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        _ => {
            let body = objects::put_body(req).await?;
            objects::write(st, ty, &id, &body, &who).await?.0
        }
    };
    // Secrets are left out: PUT merges, so a script that reads, edits and writes back keeps them.
    let shown: Vec<_> = fields
        .iter()
        .filter(|f| !secret::is_secret(&f.attribute))
        .collect();
    Ok((StatusCode::OK, axum::Json(shown)).into_response())
}

fn with_allow(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(ALLOW));
    r
}

/// `admin` with the configured password, by Basic auth or `?api_key=admin:password` as ARI allows.
fn authenticate(st: &AppState, req: &Request<Body>) -> Result<(), AppError> {
    let Some(expected) = &st.admin_password else {
        return Err(
            AppError::new(StatusCode::UNAUTHORIZED, "Authentication required").hint(
                "The ARI-shaped door is off: start Conjure with CONJURE_ADMIN_PASSWORD to use it.",
            ),
        );
    };
    // Fast path: the header exactly as a client builds it, compared without early exit.
    if let Some(h) = req.headers().get(header::AUTHORIZATION)
        && constant_eq(h.as_bytes(), st.admin_basic.as_bytes())
    {
        return Ok(());
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .or_else(|| {
            let q = req.uri().query()?;
            let key = q.split('&').find_map(|kv| kv.strip_prefix("api_key="))?;
            String::from_utf8(model::id::decode_legacy(key)).ok()
        });
    let ok = given
        .as_deref()
        .and_then(|g| g.split_once(':'))
        .is_some_and(|(u, p)| u == "admin" && constant_eq(p.as_bytes(), expected.0.as_bytes()));
    if ok {
        return Ok(());
    }
    let mut e = AppError::new(StatusCode::UNAUTHORIZED, "Authentication required");
    e.body.hint = Some("Use the user admin and Conjure's admin password.".into());
    Err(e)
}

/// Compares without stopping at the first difference, so timing does not reveal the password.
fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
