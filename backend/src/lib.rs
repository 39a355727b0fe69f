//! Conjure's backend. It holds the ARI credentials (the browser never sees them), checks every request
//! with `conjure-model` before anything reaches Asterisk, forwards it, and serves the panel.

pub mod ari;
pub mod audit;
pub mod config;
pub mod demo;
pub mod error;
pub mod objects;
pub mod routes;
pub mod store;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use model::api::Mode;

pub use config::{AriTarget, Cli, Secret};
pub use routes::app;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub ari: ari::AriClient,
    pub mode: Mode,
    /// Password of `admin` on the ARI-shaped door; `None` turns that door off.
    pub admin_password: Option<Arc<Secret>>,
    /// The trunk-built SPA.
    pub dist: PathBuf,
    /// `Basic base64(admin:password)`, the ARI door's expected Authorization header (empty when off).
    pub admin_basic: Arc<str>,
    /// Conjure's own state: the inventory.
    pub store: store::Store,
    /// Origins allowed to show the panel in a frame (CSP `frame-ancestors`); empty: none.
    pub frame_ancestors: Vec<String>,
    /// The Content-Security-Policy of the panel's files, computed by [`app`] from `dist`.
    pub csp: axum::http::HeaderValue,
}

impl AppState {
    pub fn new(
        ari: ari::AriClient,
        mode: Mode,
        admin_password: Option<Secret>,
        dist: PathBuf,
        store: store::Store,
    ) -> Self {
        use base64::Engine;
        let admin_basic = admin_password
            .as_ref()
            .map(|p| {
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("admin:{}", p.0))
                )
            })
            .unwrap_or_default();
        AppState {
            ari,
            mode,
            admin_password: admin_password.map(Arc::new),
            dist,
            admin_basic: admin_basic.into(),
            store,
            frame_ancestors: Vec::new(),
            csp: axum::http::HeaderValue::from_static("default-src 'self'"),
        }
    }

    /// Lets these origins (e.g. `https://portal.example.com`) show the panel in a frame.
    pub fn with_frame_ancestors(mut self, origins: Vec<String>) -> Self {
        self.frame_ancestors = origins;
        self
    }
}

/// Serves `state` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
