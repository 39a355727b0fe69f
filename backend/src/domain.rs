//! The domain's state: what the objects, fleet, desired-state, provisioning and auth layers work on.
//! It holds no web type (no page, no poll cap, no base path): the web's state ([`crate::AppState`])
//! wraps it, and a handler hands the domain this part only.

use std::sync::Arc;

use model::api::Mode;

use crate::secret::Secret;
use crate::{ari, auth, clock, fleet, seal, store};

/// Cloned for every request and every background task: each field is a handle or a small copy, so a
/// clone costs a few reference-count increments (owned strings here measured 2% of a GET's CPU).
#[derive(Clone)]
pub struct Domain {
    /// The default server's ARI client (the watcher and the demo use it; changes go through `fleet`).
    pub ari: ari::AriClient,
    /// Demo (the simulator) or a real Asterisk.
    pub mode: Mode,
    /// Conjure's own state: inventory, audit log, users and tokens.
    pub store: store::Store,
    /// Users, tokens, sessions, throttling.
    pub auth: auth::Auth,
    /// Imports of phone users running or finished in this process.
    pub jobs: Arc<crate::provision::running::Jobs>,
    /// How many rows of an import go to Asterisk at once.
    pub provision_concurrency: usize,
    /// Where phones register (`--sip-server`), for the phone setup card; `None`: not set.
    pub sip_server: Option<Arc<str>>,
    /// What sessions, the throttle and import results measure time by.
    pub clock: clock::SharedClock,
    /// Seals the secrets of the desired state (`--secret-key-file`).
    pub seal: Arc<seal::SealKey>,
    /// What the watcher saw of Asterisk, and the reconciles it started.
    pub watch: Arc<fleet::seen::Watch>,
    /// Every server changes go to; `default` is `ari` and `watch` above.
    pub fleet: Arc<fleet::Fleet>,
}

impl Domain {
    /// With no user in `store` yet, creates `admin` with `admin_password` (or a generated one, printed).
    pub fn new(
        ari: ari::AriClient,
        mode: Mode,
        admin_password: Option<Secret>,
        store: store::Store,
    ) -> Self {
        let watch: Arc<fleet::seen::Watch> = Arc::default();
        let fleet = Arc::new(fleet::Fleet::single(ari.clone(), watch.clone()));
        let auth = auth::Auth::start(&store, admin_password.as_ref(), auth::Settings::default())
            .expect("Conjure's database cannot be read");
        Domain {
            ari,
            mode,
            store,
            auth,
            jobs: Arc::default(),
            provision_concurrency: 8,
            sip_server: None,
            clock: clock::system(),
            seal: Arc::new(seal::SealKey::ephemeral()),
            watch,
            fleet,
        }
    }

    /// This state as seen by one server: the watcher, reconciler and drift check work on `ari` and
    /// `watch`, so each server gets them by running on its own view. Its fleet is that server alone,
    /// so what it changes (drift's "put Conjure's version back") goes to that server only.
    pub fn on_server(&self, server: &Arc<fleet::Server>) -> Domain {
        Domain {
            ari: server.ari.clone(),
            watch: server.watch.clone(),
            fleet: Arc::new(fleet::Fleet::of(server.clone(), self.fleet.targets.clone())),
            ..self.clone()
        }
    }
}
