//! The ARI-shaped door: `/ari/asterisk/config/dynamic/res_pjsip/{type}/{id}` answers as Asterisk does, so
//! existing push-configuration scripts work by changing host and credentials only. It is not a proxy:
//! only that path, only res_pjsip and known types, only checked bodies reach Asterisk.

use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::{CONFIG_CLASS, ObjectId, secret};

use std::sync::Arc;

use crate::AppState;
use crate::auth::Door;
use crate::auth::Principal;
use crate::error::{AppError, WebError};
use crate::fleet::Server;
use crate::fleet::error::FleetError;
use crate::objects::{self, ObjectError, object_type};
use crate::routes::guard;
use crate::routes::json::PutJson;
use model::account::Role;

const ALLOW: &str = "OPTIONS,GET,PUT,DELETE";
const PREFIX: &str = "/ari/asterisk/config/dynamic/";

pub async fn handle(State(st): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    match guard::authenticate(&st.auth, &parts, Door::Ari).await {
        Ok(p) => answer(door(&st, Request::from_parts(parts, body), None, p).await),
        Err(e) => answer(Err(e.into())),
    }
}

/// `/servers/{name}/ari/...`: the same door for one server of the fleet. A GET reads that server; a
/// PUT makes an object that goes to it alone (or changes one that does); a DELETE removes one that
/// goes to it alone, or one Conjure does not manage, from it.
pub async fn handle_on(State(st): State<AppState>, req: Request) -> Response {
    let name = req
        .uri()
        .path()
        .strip_prefix("/servers/")
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
        .to_string();
    // Who asks comes first: before signing in, every server name answers the same.
    let (parts, body) = req.into_parts();
    let p = match guard::authenticate(&st.auth, &parts, Door::Ari).await {
        Ok(p) => p,
        Err(e) => return answer(Err(e.into())),
    };
    let Some(server) = st.fleet.get(&name) else {
        return answer(Err(FleetError::NoSuchServer(name).into()));
    };
    answer(door(&st, Request::from_parts(parts, body), Some(server), p).await)
}

fn answer(r: Result<Response, AppError>) -> Response {
    let mut resp = match r {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    // A phone system's configuration is never kept by a browser or a proxy in between.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn door(
    st: &AppState,
    req: Request,
    server: Option<Arc<Server>>,
    p: Principal,
) -> Result<Response, AppError> {
    let mut path = req.uri().path().to_string();
    if let Some(s) = &server {
        path = path[format!("/servers/{}", s.name).len()..].to_string();
    }
    if path.len() > 1 && path.ends_with('/') {
        let fixed = path.trim_end_matches('/');
        return Err(WebError::DoorSlash {
            fixed: fixed.to_string(),
        }
        .into());
    }
    let rest = path
        .get(PREFIX.len()..)
        .filter(|_| path[..PREFIX.len().min(path.len())].eq_ignore_ascii_case(PREFIX));
    let segs: Vec<&str> = rest.map(|r| r.split('/').collect()).unwrap_or_default();
    // A path that stops short of an id (or has an empty step) is, to Asterisk, a resource without
    // methods: 405 with `Allow: OPTIONS`, as it answers.
    let short = segs.len() < 3 || segs.iter().take(3).any(|s| s.is_empty());
    let under_dynamic = path
        .get(..PREFIX.len() - 1)
        .is_some_and(|p| p.eq_ignore_ascii_case(&PREFIX[..PREFIX.len() - 1]));
    if short && under_dynamic && segs.len() <= 3 {
        let mut r = AppError::from(WebError::DoorMethod {
            hint: Some(format!(
                "Name the object: {PREFIX}{CONFIG_CLASS}/{{type}}/{{id}}"
            )),
        })
        .into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("OPTIONS"));
        return Ok(r);
    }
    let [class, ty, raw_id] = segs.as_slice() else {
        return Err(WebError::DoorNotFound {
            hint: format!("Conjure forwards only {PREFIX}{CONFIG_CLASS}/{{type}}/{{id}}"),
        }
        .into());
    };
    let method = req.method().clone();
    let who = p.who();
    if matches!(method, Method::PUT | Method::DELETE) {
        p.require(Role::Operator)?;
    }
    if method == Method::OPTIONS {
        return Ok(with_allow(StatusCode::NO_CONTENT.into_response()));
    }
    if !matches!(method, Method::GET | Method::PUT | Method::DELETE) {
        let mut r = AppError::from(WebError::DoorMethod { hint: None }).into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(ALLOW));
        return Ok(r);
    }
    if *class != CONFIG_CLASS {
        return Err(WebError::DoorClass(class.to_string()).into());
    }
    let ty = object_type(ty)?;
    // Reading takes any id Asterisk's request line allows; only what Conjure makes is held to its limit.
    let id = if method == Method::GET {
        ObjectId::from_asterisk_path_segment_to_read(raw_id)
    } else {
        ObjectId::from_asterisk_path_segment(raw_id)
    }
    .map_err(ObjectError::from)?;
    let fields = match (method, &server) {
        (Method::GET, None) => objects::read(st, ty, &id).await?,
        (Method::GET, Some(s)) => objects::read(&st.on_server(s), ty, &id).await?,
        (Method::DELETE, None) => {
            objects::delete(st, ty, &id, &who).await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        (Method::DELETE, Some(s)) => {
            objects::delete_on(st, s, ty, &id, &who).await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        (_, None) => {
            let PutJson(body) = PutJson::from_request(req, st).await?;
            objects::write(st, ty, &id, &body, &who).await?.fields
        }
        (_, Some(s)) => {
            let PutJson(body) = PutJson::from_request(req, st).await?;
            let only = [format!("server:{}", s.name)];
            objects::write_to(st, ty, &id, &body, &who, Some(&only))
                .await?
                .fields
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
