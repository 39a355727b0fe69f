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

pub async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    body: Option<&str>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(pw) = auth {
        use base64::Engine;
        req = req.header(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("admin:{pw}"))
            ),
        );
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
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
