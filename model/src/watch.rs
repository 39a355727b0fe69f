//! What a server's watcher knows (is Asterisk up, since when, the last reconcile after a restart), as the
//! status line and the servers page read it.

use serde::{Deserialize, Serialize};

/// What the watcher knows, for people and for tests that wait on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchState {
    /// Changes whenever anything below does: `/api/status?wait=<seq>` answers when it moves on.
    pub seq: u64,
    /// `None` until the first check.
    pub up: Option<bool>,
    /// Since when Asterisk has been up or down, as Conjure saw it (UTC).
    pub since: String,
    /// When Asterisk started, as it says.
    pub startup_time: String,
    /// When it last reloaded its configuration, as it says.
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

/// One object that could not be brought back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The object's type.
    pub object_type: String,
    /// The object's id.
    pub id: String,
    /// Why it could not be put back.
    pub message: String,
}

/// What a reconcile did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Why the reconcile ran (a restart, Conjure's start, a reload).
    pub reason: String,
    /// When it finished (RFC 3339, UTC).
    pub finished_at: String,
    /// Managed objects compared.
    pub checked: usize,
    /// On Asterisk already.
    pub present: usize,
    /// Missing and pushed again (read back afterwards).
    pub restored: usize,
    /// Secrets Conjure did not know, read from Asterisk while it still had the object.
    pub secrets_captured: usize,
    /// Left to the server's queue: changes wait for them there.
    pub waiting: usize,
    /// The objects that could not be put back.
    pub failed: Vec<Problem>,
}

impl Report {
    /// The report in one line for the status bar.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{}: {} of {} objects restored",
            self.reason, self.restored, self.checked
        );
        if !self.failed.is_empty() {
            s.push_str(&format!(", {} could not be", self.failed.len()));
        }
        s
    }
}
