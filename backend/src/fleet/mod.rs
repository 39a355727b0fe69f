//! The fleet: every Asterisk server Conjure keeps in step. `default` is the server of the command line
//! (`--ari-url`); more are added in the panel (registry.rs) and stored with their password sealed. A
//! change goes to every enabled server at once (fanout.rs); one a server did not answer waits in the
//! `pending` table and is retried in order, with backoff, until it answers (queue.rs). Each server has
//! a watcher of its own, so a restart of any of them is reconciled (desired/watch.rs, per server).

pub mod error;
pub mod fanout;
pub mod pending;
pub mod probe;
pub mod queue;
pub mod registry;
pub mod seen;
pub mod split;
pub mod stored;
pub mod target;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use model::fleet::{DEFAULT_SERVER, ServerView};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::ari::AriClient;
use seen::Watch;

/// One Asterisk server and what runs for it.
pub struct Server {
    /// Its name (`default` for the command line's).
    pub name: Arc<str>,
    /// Its ARI client.
    pub ari: AriClient,
    /// The CA file its TLS is checked against, if any.
    pub ca_file: Option<String>,
    /// The groups it belongs to.
    pub groups: Vec<String>,
    /// Whether it gets changes now (a disabled one's wait).
    pub enabled: bool,
    /// What its watcher saw.
    pub watch: Arc<Watch>,
    /// Changes waiting for it (not counting refused ones): while there are any, new changes queue
    /// behind them instead of overtaking them.
    waiting: AtomicUsize,
    /// Wakes its queue when a change is added or a person asks for a retry.
    wake: Notify,
    /// Its watcher and queue, stopped when the server is removed or replaced.
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// The fleet's count of queue changes, moved on by this server's (see [`Fleet::seq`]).
    changes: Arc<watch::Sender<u64>>,
}

impl Server {
    fn new(
        changes: Arc<watch::Sender<u64>>,
        name: &str,
        ari: AriClient,
        watch: Arc<Watch>,
        ca_file: Option<String>,
        groups: Vec<String>,
        enabled: bool,
    ) -> Self {
        Server {
            changes,
            name: name.into(),
            ari,
            ca_file,
            groups,
            enabled,
            watch,
            waiting: AtomicUsize::new(0),
            wake: Notify::new(),
            tasks: Mutex::default(),
        }
    }

    /// Whether this is the command line's server.
    pub fn is_default(&self) -> bool {
        &*self.name == DEFAULT_SERVER
    }

    /// Changes waiting for it now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    pub(crate) fn queued(&self) {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        self.wake.notify_one();
        self.changed();
    }

    pub(crate) fn set_waiting(&self, n: usize) {
        self.waiting.store(n, Ordering::Release);
        self.wake.notify_one();
        self.changed();
    }

    /// `n` of its waiting changes are done with (applied, refused or discarded).
    pub(crate) fn done_with(&self, n: usize) {
        let _ = self
            .waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |w| {
                Some(w.saturating_sub(n))
            });
        self.changed();
    }

    /// Something of its queue changed (a change kept, applied, refused, retried).
    pub(crate) fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    /// Hands the server the tasks the supervisor started for it, to be stopped with it.
    pub(crate) fn keep_tasks(&self, tasks: Vec<JoinHandle<()>>) {
        self.tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(tasks);
    }

    fn stop(&self) {
        for t in self
            .tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            t.abort();
        }
    }

    /// The server as the panel lists it.
    pub fn view(
        &self,
        pending: usize,
        refused: usize,
        objects: std::collections::BTreeMap<String, u64>,
    ) -> ServerView {
        let w = self.watch.current();
        ServerView {
            name: self.name.to_string(),
            ari_url: self.ari.base().to_string(),
            ari_user: self.ari.user().to_string(),
            ca_file: self.ca_file.clone(),
            groups: self.groups.clone(),
            enabled: self.enabled,
            up: if self.enabled { w.up } else { None },
            since: w.since,
            startup_time: w.startup_time,
            version: w.version,
            objects,
            state: if self.enabled {
                w.message
            } else {
                "disabled: Conjure sends it nothing".into()
            },
            drifted: w.drifted,
            pending,
            refused,
        }
    }
}

/// The servers, `default` first, then by name.
pub struct Fleet {
    servers: RwLock<Arc<[Arc<Server>]>>,
    /// Where the objects go that do not go to every server (shared by every view of the fleet).
    pub targets: Arc<target::Targets>,
    changes: Arc<watch::Sender<u64>>,
    /// How often each watcher looks (`--watch-interval-ms`).
    every: Mutex<Duration>,
    /// How often each server's drift is checked (`--drift-check-minutes`), if at all.
    drift_every: Mutex<Option<Duration>>,
}

impl Fleet {
    /// A fleet of the command line's server alone.
    pub fn single(ari: AriClient, watch: Arc<Watch>) -> Self {
        let changes = Arc::new(watch::Sender::new(0));
        let default = Server::new(
            changes.clone(),
            DEFAULT_SERVER,
            ari,
            watch,
            None,
            Vec::new(),
            true,
        );
        Fleet {
            changes,
            targets: Arc::default(),
            servers: RwLock::new(Arc::from(vec![Arc::new(default)])),
            every: Mutex::new(Duration::from_secs(2)),
            drift_every: Mutex::new(None),
        }
    }

    /// A fleet of one server of another fleet (see [`Domain::on_server`]).
    pub(crate) fn of(server: Arc<Server>, targets: Arc<target::Targets>) -> Self {
        Fleet {
            targets,
            changes: server.changes.clone(),
            servers: RwLock::new(Arc::from(vec![server])),
            every: Mutex::new(Duration::from_secs(2)),
            drift_every: Mutex::new(None),
        }
    }

    /// A server of this fleet (not yet in it: see `put`).
    pub(crate) fn server(
        &self,
        name: &str,
        ari: AriClient,
        ca_file: Option<String>,
        groups: Vec<String>,
        enabled: bool,
    ) -> Server {
        let watch = Arc::new(Watch::default());
        Server::new(
            self.changes.clone(),
            name,
            ari,
            watch,
            ca_file,
            groups,
            enabled,
        )
    }

    /// Waits (at most `at_most`) until one of `servers` has nothing waiting; whether one has.
    pub async fn one_caught_up(&self, servers: &[Arc<Server>], at_most: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + at_most;
        loop {
            let mut rx = self.changes.subscribe();
            if servers.iter().any(|s| s.waiting() == 0) {
                return true;
            }
            tokio::select! {
                r = rx.changed() => if r.is_err() { return false },
                () = tokio::time::sleep_until(deadline) => return false,
            }
        }
    }

    /// Something the fleet view shows changed (a split change kept, retried or undone).
    pub(crate) fn bump(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    /// Moves on whenever a server's state or queue does: `GET /api/fleet?wait=<seq>` answers then.
    pub fn seq(&self) -> u64 {
        // `put` and `take` move `changes` on by the counts of the watchers they replace or remove.
        let watched: u64 = self.all().iter().map(|s| s.watch.current().seq).sum();
        *self.changes.borrow() + watched
    }

    /// Waits until [`Fleet::seq`] is past `seen`, or `at_most`.
    pub async fn wait_past(&self, seen: u64, at_most: Duration) {
        let deadline = tokio::time::Instant::now() + at_most;
        while self.seq() == seen {
            let mut queue = self.changes.subscribe();
            let mut watches: Vec<_> = self.all().iter().map(|s| s.watch.subscribe()).collect();
            // Subscribed before looking again: a change in between is not missed.
            if self.seq() != seen {
                return;
            }
            let any_watch =
                futures_util::future::select_all(watches.iter_mut().map(|w| Box::pin(w.changed())));
            tokio::select! {
                _ = queue.changed() => {}
                _ = any_watch => {}
                () = tokio::time::sleep_until(deadline) => return,
            }
        }
    }

    /// Every server, the default first.
    pub fn all(&self) -> Arc<[Arc<Server>]> {
        self.servers
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The server named `name`.
    pub fn get(&self, name: &str) -> Option<Arc<Server>> {
        self.all().iter().find(|s| &*s.name == name).cloned()
    }

    /// The command line's server.
    pub fn default_server(&self) -> Arc<Server> {
        self.all()[0].clone()
    }

    /// Only the command line's server, with nothing waiting for it: a change takes the direct path.
    pub fn is_single(&self) -> bool {
        let all = self.all();
        all.len() == 1 && all[0].waiting() == 0
    }

    /// How often each watcher looks, and how often drift is checked (if at all).
    pub(crate) fn every(&self) -> Duration {
        *self.every.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn drift_every(&self) -> Option<Duration> {
        *self.drift_every.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Set once at start, from `--watch-interval-ms` and `--drift-check-minutes`.
    pub(crate) fn set_intervals(&self, every: Duration, drift_every: Option<Duration>) {
        *self.every.lock().unwrap_or_else(|p| p.into_inner()) = every;
        *self.drift_every.lock().unwrap_or_else(|p| p.into_inner()) = drift_every;
    }

    /// Puts `server` in (replacing one of its name, whose tasks stop).
    pub(crate) fn put(&self, server: Arc<Server>) {
        let mut list = self.servers.write().unwrap_or_else(|p| p.into_inner());
        let mut v = Vec::with_capacity(list.len() + 1);
        // As in `take`: a replaced watcher's count is kept, so `seq` never goes back.
        let mut gone = 1;
        for s in list.iter() {
            if s.name == server.name {
                s.stop();
                gone += s.watch.current().seq + 1;
            } else {
                v.push(s.clone());
            }
        }
        v.push(server);
        self.changes.send_modify(|n| *n += gone);
        v.sort_by(|a, b| (!a.is_default(), &a.name).cmp(&(!b.is_default(), &b.name)));
        *list = v.into();
    }

    fn take(&self, name: &str) -> Option<Arc<Server>> {
        let mut list = self.servers.write().unwrap_or_else(|p| p.into_inner());
        let found = list.iter().find(|s| &*s.name == name).cloned()?;
        *list = list.iter().filter(|s| &*s.name != name).cloned().collect();
        found.stop();
        // Its watcher's count leaves the sum of `seq`: kept here, so `seq` never goes back.
        let gone = found.watch.current().seq + 2;
        self.changes.send_modify(|n| *n += gone);
        Some(found)
    }
}

/// The fleet in a few words, for the status bar of every page (`None` with one server): how many are
/// up, which are down, how many changes wait. It is recomputed whenever the status is (at the default
/// server's changes, or every 25 s).
pub fn summary(fleet: &Fleet) -> Option<String> {
    let all = fleet.all();
    if all.len() < 2 {
        return None;
    }
    let enabled: Vec<&Arc<Server>> = all.iter().filter(|s| s.enabled).collect();
    let down: Vec<&str> = enabled
        .iter()
        .filter(|s| s.watch.current().up == Some(false))
        .map(|s| &*s.name)
        .collect();
    let mut line = format!(
        "servers: {} of {} up",
        enabled.len() - down.len(),
        enabled.len()
    );
    if !down.is_empty() {
        line.push_str(&format!(" ({} down)", down.join(", ")));
    }
    let waiting: usize = all.iter().map(|s| s.waiting()).sum();
    if waiting > 0 {
        line.push_str(&format!(", {waiting} changes waiting (see Servers)"));
    }
    Some(line)
}
