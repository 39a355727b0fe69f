//! Conjure's backend. It holds the ARI credentials (the browser never sees them), checks every request
//! with `conjure-model` before anything reaches Asterisk, forwards it, and serves the panel.

pub mod ari;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod clock;
pub mod config;
pub mod demo;
pub mod desired;
pub mod domain;
pub mod error;
pub mod fleet;
pub mod managed;
pub mod objects;
pub mod provision;
// The handlers: the route table in `routes/mod.rs` says what each answers, and `ARCHITECTURE.md` how
// a request travels; the domain they call is documented item by item.
#[allow(missing_docs)]
pub mod routes;
pub mod seal;
pub mod secret;
mod serve;
pub mod spreadsheet;
pub mod static_config;
pub mod store;
pub mod supervisor;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use model::api::Mode;

pub use ari::AriTarget;
pub use config::Cli;
pub use domain::Domain;
pub use routes::app;
pub use secret::Secret;

/// The web's state: the domain's ([`Domain`]) and what only the HTTP layer needs (the panel's files, the
/// base path, frame origins, the caps on open polls). Handlers that need only the domain take
/// `State<Domain>` (`FromRef`); field access reaches the domain's fields through `Deref`, because the
/// web state extends the domain's rather than standing beside it.
#[derive(Clone)]
pub struct AppState {
    /// What the domain functions take.
    pub domain: Domain,
    /// The trunk-built SPA.
    pub dist: Arc<Path>,
    /// Origins allowed to show the panel in a frame (CSP `frame-ancestors`); empty: none.
    pub frame_ancestors: Arc<[String]>,
    /// Where the whole app lives, e.g. `/conjure`; empty for the root.
    pub base_path: Arc<str>,
    /// The panel's index.html with the base path applied and its CSP, computed by [`app`] from `dist`.
    pub index: Arc<routes::spa::Index>,
    /// The long polls and event streams open now, capped per user and in all.
    pub polls: Arc<routes::polls::Polls>,
}

impl std::ops::Deref for AppState {
    type Target = Domain;
    fn deref(&self) -> &Domain {
        &self.domain
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Domain {
        &mut self.domain
    }
}

impl axum::extract::FromRef<AppState> for Domain {
    fn from_ref(st: &AppState) -> Domain {
        st.domain.clone()
    }
}

impl AppState {
    /// With no user in `store` yet, creates `admin` with `admin_password` (or a generated one, printed).
    pub fn new(
        ari: ari::AriClient,
        mode: Mode,
        admin_password: Option<Secret>,
        dist: PathBuf,
        store: store::Store,
    ) -> Self {
        provision::templates::ensure_builtin(&store).expect("Conjure's database cannot be written");
        AppState {
            domain: Domain::new(ari, mode, admin_password, store),
            dist: dist.into(),
            frame_ancestors: Arc::default(),
            base_path: Arc::default(),
            index: Arc::default(),
            polls: Arc::default(),
        }
    }

    /// Seals secrets with `key` (from `--secret-key-file`) instead of a key of this process only.
    pub fn with_seal(mut self, key: seal::SealKey) -> Self {
        self.domain.seal = Arc::new(key);
        self
    }

    /// Measures time by `clock` (tests move a [`clock::ManualClock`] instead of sleeping).
    pub fn with_clock(mut self, clock: clock::SharedClock) -> Self {
        self.domain.auth = self.domain.auth.with_clock(clock.clone());
        self.domain.clock = clock;
        self
    }

    /// Lets these origins (e.g. `https://portal.example.com`) show the panel in a frame.
    pub fn with_frame_ancestors(mut self, origins: Vec<String>) -> Self {
        self.frame_ancestors = origins.into();
        self
    }

    /// Serves everything under `base` (`/conjure`; `""` or `/` for the root).
    pub fn with_base_path(mut self, base: &str) -> Self {
        self.base_path = base.trim_end_matches('/').into();
        let mut settings = self.auth.settings().clone();
        settings.cookie_path = if self.base_path.is_empty() {
            "/".into()
        } else {
            self.base_path.to_string()
        };
        self.domain.auth = self.domain.auth.with_settings(settings);
        self
    }

    /// Session lengths, trusted portal proxies, cookie flags. The cookie path follows the base path.
    pub fn with_auth_settings(mut self, mut settings: auth::Settings) -> Self {
        settings.cookie_path = self.auth.settings().cookie_path.clone();
        self.domain.auth = self.domain.auth.with_settings(settings);
        self
    }
}

/// Starts what runs beside the requests: undoing phone users a crash left half-made, the watcher of
/// each server (which reconciles after a restart), the queues of changes waiting for a server, and the
/// periodic drift check when `drift_every` is given.
pub async fn start_background(
    state: &AppState,
    every: std::time::Duration,
    drift_every: Option<std::time::Duration>,
) -> anyhow::Result<()> {
    // In the background: with Asterisk down, undoing half-made users waits for timeouts, and the panel
    // should be up meanwhile.
    tokio::spawn({
        let state = state.clone();
        async move { provision::recover(&state).await }
    });
    // Every server's watcher (which puts back what Asterisk lost in a restart, or while Conjure was
    // not running), drift checks and queue.
    supervisor::start(state, every, drift_every).await
}

/// Serves `state` on `listener` until `shutdown` completes. Each request carries its peer's address
/// (`ConnectInfo`): the throttle, the audit log and the trusted-proxy checks are keyed by it.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::serve(listener, app(state), shutdown).await
}
