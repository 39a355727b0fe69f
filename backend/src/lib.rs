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
pub mod error;
pub mod fleet;
pub mod managed;
pub mod objects;
pub mod provision;
pub mod routes;
pub mod seal;
pub mod secret;
mod serve;
pub mod spreadsheet;
pub mod store;
pub mod supervisor;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use model::api::Mode;

pub use ari::AriTarget;
pub use config::Cli;
pub use routes::app;
pub use secret::Secret;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
/// Cloned for every request (axum's `State`): every field is a handle or a small copy, so a clone costs a
/// few reference-count increments (owned strings here measured 2% of a GET's CPU).
pub struct AppState {
    pub ari: ari::AriClient,
    pub mode: Mode,
    /// The trunk-built SPA.
    pub dist: Arc<Path>,
    /// Conjure's own state: inventory, audit log, users and tokens.
    pub store: store::Store,
    /// Users, tokens, sessions, throttling.
    pub auth: auth::Auth,
    /// Origins allowed to show the panel in a frame (CSP `frame-ancestors`); empty: none.
    pub frame_ancestors: Arc<[String]>,
    /// Where the whole app lives, e.g. `/conjure`; empty for the root.
    pub base_path: Arc<str>,
    /// Imports of phone users running or finished in this process.
    pub jobs: Arc<provision::jobs::Jobs>,
    /// How many rows of an import go to Asterisk at once.
    pub provision_concurrency: usize,
    /// Where phones register (`--sip-server`), for the phone setup card; `None`: not set.
    pub sip_server: Option<Arc<str>>,
    /// The panel's index.html with the base path applied and its CSP, computed by [`app`] from `dist`.
    pub index: Arc<routes::spa::Index>,
    /// What sessions, the throttle and import results measure time by.
    pub clock: clock::SharedClock,
    /// Seals the secrets of the desired state (`--secret-key-file`).
    pub seal: Arc<seal::SealKey>,
    /// What the watcher saw of Asterisk, and the reconciles it started.
    pub watch: Arc<fleet::seen::Watch>,
    /// Every server changes go to; `default` is `ari` and `watch` above.
    pub fleet: Arc<fleet::Fleet>,
    /// The long polls and event streams open now, capped per user and in all.
    pub polls: Arc<routes::polls::Polls>,
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
        let watch: Arc<fleet::seen::Watch> = Arc::default();
        let fleet = Arc::new(fleet::Fleet::single(ari.clone(), watch.clone()));
        let auth = auth::Auth::start(&store, admin_password.as_ref(), auth::Settings::default())
            .expect("Conjure's database cannot be read");
        provision::templates::ensure_builtin(&store).expect("Conjure's database cannot be written");
        AppState {
            ari,
            mode,
            dist: dist.into(),
            store,
            auth,
            frame_ancestors: Arc::default(),
            base_path: Arc::default(),
            jobs: Arc::default(),
            provision_concurrency: 8,
            sip_server: None,
            index: Arc::default(),
            clock: clock::system(),
            seal: Arc::new(seal::SealKey::ephemeral()),
            watch,
            fleet,
            polls: Arc::default(),
        }
    }

    /// Seals secrets with `key` (from `--secret-key-file`) instead of a key of this process only.
    pub fn with_seal(mut self, key: seal::SealKey) -> Self {
        self.seal = Arc::new(key);
        self
    }

    /// Measures time by `clock` (tests move a [`clock::ManualClock`] instead of sleeping).
    pub fn with_clock(mut self, clock: clock::SharedClock) -> Self {
        self.auth = self.auth.with_clock(clock.clone());
        self.clock = clock;
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
        self.auth = self.auth.with_settings(settings);
        self
    }

    /// Session lengths, trusted portal proxies, cookie flags. The cookie path follows the base path.
    pub fn with_auth_settings(mut self, mut settings: auth::Settings) -> Self {
        settings.cookie_path = self.auth.settings().cookie_path.clone();
        self.auth = self.auth.with_settings(settings);
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
