//! Watches Asterisk: polls `/ari/asterisk/info` and notices a restart (`status.startup_time`
//! changes), a reload (`last_reload_time`), an Asterisk that went away and came back, and Conjure's own
//! start. Each of these starts a reconcile (reconcile.rs); one that is running when another restart is
//! seen is stopped and started over. What it sees is published for the status bar (`/api/status`).

use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use super::reconcile::{self, Report};
use crate::AppState;

/// What the watcher knows, for people and for tests that wait on it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WatchState {
    /// Changes whenever anything below does: `/api/status?wait=<seq>` answers when it moves on.
    pub seq: u64,
    /// `None` until the first check.
    pub up: Option<bool>,
    /// Since when Asterisk has been up or down, as Conjure saw it (UTC).
    pub since: String,
    pub startup_time: String,
    pub last_reload_time: String,
    /// Asterisk's version, as it last said.
    pub version: String,
    /// Objects checked so far and in all, while a reconcile runs.
    pub reconciling: Option<(usize, usize)>,
    /// The last reconcile that finished.
    pub last: Option<Report>,
    /// Objects found drifted by the last periodic drift check (`--drift-check-minutes`).
    pub drifted: Option<usize>,
    /// One line for the status bar.
    pub message: String,
}

/// The watcher's published state, and this server's drift check shared by those who ask at once.
pub struct Watch {
    state: watch::Sender<WatchState>,
    /// A drift check reads every managed object: viewers asking together get one check between them.
    pub drift: crate::cache::Shared<super::drift::DriftReport>,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            state: watch::Sender::new(WatchState {
                message: "not checked yet".into(),
                ..WatchState::default()
            }),
            drift: crate::cache::Shared::new(std::time::Duration::ZERO),
        }
    }
}

impl Watch {
    pub fn current(&self) -> WatchState {
        self.state.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<WatchState> {
        self.state.subscribe()
    }

    /// Changes the state (and its message and sequence number) when `f` says it changed something.
    pub(crate) fn update(&self, f: impl FnOnce(&mut WatchState) -> bool) {
        self.state.send_if_modified(|s| {
            if !f(s) {
                return false;
            }
            s.seq += 1;
            s.message = message(s);
            true
        });
    }
}

fn message(s: &WatchState) -> String {
    let line = line(s);
    match s.drifted {
        Some(n) if n > 0 && s.up == Some(true) => {
            format!("{line} · {n} objects differ from Conjure's record")
        }
        _ => line,
    }
}

fn line(s: &WatchState) -> String {
    let last = s.last.as_ref().map(Report::summary);
    match (s.up, s.reconciling, last) {
        (None, _, _) => "checking Asterisk".into(),
        (Some(false), _, _) => format!("Asterisk down since {}", s.since),
        (Some(true), Some((done, total)), _) => {
            format!(
                "reconciling: {}% ({done} of {total} objects checked)",
                done * 100 / total.max(1)
            )
        }
        (Some(true), None, Some(last)) => last,
        (Some(true), None, None) => format!("up since {}", s.since),
    }
}

/// What one look at Asterisk found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    startup_time: String,
    last_reload_time: String,
    version: String,
}

async fn look(st: &AppState) -> Option<Seen> {
    let up = st.ari.status_info().await.ok()?;
    if up.status != 200 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&up.body).ok()?;
    let at = |k: &str| v["status"][k].as_str().map(str::to_string);
    Some(Seen {
        startup_time: at("startup_time")?,
        last_reload_time: at("last_reload_time").unwrap_or_default(),
        version: v["system"]["version"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    })
}

/// Now (UTC, RFC 3339), for the times people read in the status line and the reports.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Watches until the process ends, looking every `every`.
pub fn spawn(st: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // The last look (None before the first), and the last answer Asterisk gave.
        let mut last: Option<Option<Seen>> = None;
        let mut known: Option<Seen> = None;
        let mut running: Option<tokio::task::JoinHandle<()>> = None;
        loop {
            let seen = look(&st).await;
            let why = match (&known, &seen) {
                (_, None) => None,
                (None, Some(_)) => Some("Conjure started".to_string()),
                // Also across a time it did not answer: a restart is told by its start time.
                (Some(a), Some(b)) if a.startup_time != b.startup_time => {
                    Some(format!("Asterisk restarted at {}", b.startup_time))
                }
                (Some(a), Some(b)) if a.last_reload_time != b.last_reload_time => {
                    Some(format!("Asterisk reloaded at {}", b.last_reload_time))
                }
                _ if matches!(last, Some(None)) => Some("Asterisk answered again".to_string()),
                _ => None,
            };
            if seen.is_some() {
                known.clone_from(&seen);
            }
            let changed_up = last.as_ref().map(Option::is_some) != Some(seen.is_some());
            st.watch.update(|s| {
                let mut changed = false;
                if changed_up {
                    s.up = Some(seen.is_some());
                    s.since = now();
                    changed = true;
                }
                if let Some(b) = &seen
                    && (s.startup_time != b.startup_time
                        || s.last_reload_time != b.last_reload_time)
                {
                    s.startup_time.clone_from(&b.startup_time);
                    s.last_reload_time.clone_from(&b.last_reload_time);
                    s.version.clone_from(&b.version);
                    changed = true;
                }
                changed
            });
            if seen.is_none()
                && let Some(r) = running.take()
            {
                // Asterisk went away mid-reconcile: it starts over once it answers again.
                r.abort();
                st.watch.update(|s| s.reconciling.take().is_some());
            }
            if let Some(why) = why {
                if let Some(r) = running.take() {
                    r.abort();
                }
                tracing::warn!(reason = %why, "reconciling Asterisk with Conjure's record");
                let st = st.clone();
                running = Some(tokio::spawn(async move {
                    reconcile::run(&st, &why).await;
                }));
            }
            last = Some(seen);
            tokio::time::sleep(every).await;
        }
    })
}

/// Compares Asterisk with Conjure's record every `every` and publishes how many objects differ (off
/// unless `--drift-check-minutes` is given: a check reads every managed object).
pub fn spawn_drift_checks(st: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            match st.watch.drift.get(|| super::drift::check(&st)).await {
                Ok(r) => {
                    let n = r.items.len();
                    if n > 0 {
                        tracing::warn!(
                            objects = n,
                            "drift: Asterisk differs from Conjure's record (GET /api/drift)"
                        );
                    }
                    st.watch.update(|s| s.drifted.replace(n) != Some(n));
                }
                Err(e) => tracing::warn!(%e, "drift check failed"),
            }
        }
    })
}
