//! Watches Asterisk: polls `/ari/asterisk/info` and notices a restart (`status.startup_time`
//! changes), a reload (`last_reload_time`), an Asterisk that went away and came back, and Conjure's own
//! start. Each of these starts a reconcile (reconcile.rs); one that is running when another restart is
//! seen is stopped and started over. What it sees is published for the status bar (`/api/status`).

use std::time::Duration;

use super::reconcile;
use crate::domain::Domain;

/// What one look at Asterisk found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    startup_time: String,
    last_reload_time: String,
    version: String,
}

async fn look(st: &Domain) -> Option<Seen> {
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

/// Watches until the process ends, looking every `every`.
pub fn spawn(st: Domain, every: Duration) -> tokio::task::JoinHandle<()> {
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
                    s.since = crate::clock::now_rfc3339();
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
pub fn spawn_drift_checks(st: Domain, every: Duration) -> tokio::task::JoinHandle<()> {
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
