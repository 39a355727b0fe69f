//! A real simulator on a loopback port, Conjure's router in front of it, and a request helper.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use asterisk_sim::Sim;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use conjure::{AppState, AriTarget, Secret, ari::AriClient};
use http_body_util::BodyExt;
use model::api::Mode;
use tower::ServiceExt;

pub const ADMIN: &str = "admin-pw";

pub struct Harness {
    pub app: axum::Router,
    pub sim: Arc<Sim>,
    pub sim_base: String,
}

pub async fn sim() -> (Arc<Sim>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sim = Arc::new(Sim::default());
    tokio::spawn(asterisk_sim::serve(
        listener,
        sim.clone(),
        std::future::pending(),
    ));
    (sim, base)
}

pub fn target(base: &str, user: &str, password: &str) -> AriTarget {
    AriTarget {
        base: base.to_string(),
        user: user.into(),
        password: Secret(password.into()),
        timeout: Duration::from_millis(700),
        connect_timeout: Duration::from_millis(500),
    }
}

pub fn router(target: AriTarget) -> axum::Router {
    conjure::app(AppState::new(
        AriClient::new(target),
        Mode::Asterisk,
        Some(Secret(ADMIN.into())),
        "/nonexistent".into(),
        conjure::store::Store::in_memory().unwrap(),
    ))
}

/// A pseudo-header for [`send`]: the client's socket address.
pub const PEER: &str = "x-test-peer";

/// Conjure in front of a fresh simulator, its state adjusted by `f` (settings, base path, dist).
pub async fn app_with(
    dist: &str,
    f: impl FnOnce(AppState) -> AppState,
) -> (axum::Router, Arc<Sim>, String) {
    let (sim, base) = sim().await;
    let state = AppState::new(
        AriClient::new(target(&base, "asterisk", "asterisk")),
        Mode::Asterisk,
        Some(Secret(ADMIN.into())),
        dist.into(),
        conjure::store::Store::in_memory().unwrap(),
    );
    (conjure::app(f(state)), sim, base)
}

pub async fn harness() -> Harness {
    let (sim, sim_base) = sim().await;
    Harness {
        app: router(target(&sim_base, "asterisk", "asterisk")),
        sim,
        sim_base,
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }
}

/// How a test request authenticates.
#[derive(Clone, Copy)]
pub enum As<'a> {
    Nobody,
    Basic(&'a str, &'a str),
    Bearer(&'a str),
    /// A session cookie, and the CSRF token to echo (if any).
    Session(&'a str, Option<&'a str>),
}

/// `auth`: the admin's password, sent as Basic.
pub async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    body: Option<&str>,
) -> Answer {
    let who = auth.map_or(As::Nobody, |pw| As::Basic("admin", pw));
    send(app, method, uri, who, body, &[]).await
}

pub async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    who: As<'_>,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    use base64::Engine;
    let mut req = Request::builder().method(method).uri(uri);
    match who {
        As::Nobody => {}
        As::Basic(user, pw) => {
            let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pw}"));
            req = req.header("authorization", format!("Basic {pair}"));
        }
        As::Bearer(t) => req = req.header("authorization", format!("Bearer {t}")),
        As::Session(cookie, csrf) => {
            req = req.header("cookie", format!("conjure_session={cookie}"));
            if let Some(c) = csrf {
                req = req.header("x-conjure-csrf", c);
            }
        }
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        // Not a header: the peer address, as axum's ConnectInfo gives it on a real socket.
        if *k == PEER {
            let addr: std::net::SocketAddr = v.parse().unwrap();
            req = req.extension(axum::extract::ConnectInfo(addr));
        } else {
            req = req.header(*k, *v);
        }
    }
    let req = req
        .body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}
