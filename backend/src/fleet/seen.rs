//! What a server's watcher saw, published for the status line, the servers page and tests that wait on
//! it, with the line people read; and the server's drift check, shared by viewers who ask at once. The
//! watcher (desired/watch.rs) writes it; everything else reads it.

use model::drift::DriftReport;
use model::watch::{Report, WatchState};
use tokio::sync::watch;

/// The watcher's published state, and this server's drift check shared by those who ask at once.
pub struct Watch {
    state: watch::Sender<WatchState>,
    /// A drift check reads every managed object: viewers asking together get one check between them.
    pub drift: crate::cache::Shared<DriftReport>,
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
    /// What the watcher says now.
    pub fn current(&self) -> WatchState {
        self.state.borrow().clone()
    }

    /// Each change of what the watcher says (the status long poll waits on it).
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
