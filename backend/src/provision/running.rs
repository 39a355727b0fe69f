//! The imports running or finished in this process: each one's progress (published for server-sent
//! events), its per-row results with the passwords it generated (dropped an hour after it ends), and
//! who ran it. Held by the domain's state; it knows nothing of Asterisk, so every layer can carry it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use model::provision::ImportProgress;
use tokio::sync::watch;

/// What happened to one row.
#[derive(Debug, Clone)]
pub struct RowResult {
    /// The row's line in the file.
    pub line: usize,
    /// The row's extension.
    pub extension: String,
    /// `created`, `skipped`, `failed`, `not attempted`, or `not imported` (refused by the check).
    pub result: &'static str,
    /// What happened, in words.
    pub message: String,
    /// Only a password Conjure generated: this download is the one place it is shown.
    pub password: Option<model::secret::Sensitive>,
    /// Where and how the phone registers, for a created row (`--sip-server`, or that it is not set).
    pub server: String,
    /// The transport the phone uses.
    pub transport: String,
}

/// How long an import's results (with the passwords it generated) are kept after it finished.
pub const RESULTS_KEPT: Duration = Duration::from_secs(3600);

/// One import: its progress, its per-row results, who ran it.
pub struct Job {
    /// Its progress, published after every row.
    pub progress: watch::Sender<ImportProgress>,
    pub(crate) cancel: AtomicBool,
    /// Each row's result, in file order.
    pub results: Mutex<Vec<RowResult>>,
    /// Who ran it (`Principal::actor`): the one besides admins who may read its results.
    pub owner: String,
    finished_at: Mutex<Option<Instant>>,
    /// The results were dropped: they stay gone whatever the clock says next.
    forgotten: AtomicBool,
}

/// Imports kept at once: the finished ones make room for new ones, a running one never does.
pub const KEPT: usize = 20;

/// Imports in this process (kept until restart; the newest [`KEPT`], never dropping a running one).
#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<VecDeque<(u64, Arc<Job>)>>,
}

impl Jobs {
    /// Import `id`, if this process still has it.
    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.iter().find(|(i, _)| *i == id).map(|(_, j)| j.clone())
    }

    /// A new job, or `None` while [`KEPT`] imports are all still running.
    pub(crate) fn add(&self, total: usize, owner: &str) -> Option<(u64, Arc<Job>)> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        if jobs.len() >= KEPT {
            // The oldest finished import goes; a running one keeps its results (and the passwords in
            // them) for the person who started it.
            let finished = jobs.iter().position(|(_, j)| {
                j.finished_at
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .is_some()
            })?;
            jobs.remove(finished);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Arc::new(Job {
            progress: watch::Sender::new(ImportProgress {
                id,
                total,
                ..Default::default()
            }),
            cancel: AtomicBool::new(false),
            results: Mutex::default(),
            owner: owner.to_string(),
            finished_at: Mutex::default(),
            forgotten: AtomicBool::new(false),
        });
        jobs.push_back((id, job.clone()));
        Some((id, job))
    }
}

impl Job {
    /// Stops the import after the rows under way.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Drops the results, and the passwords in them, once [`RESULTS_KEPT`] has passed since the end.
    /// Returns whether they are still there.
    pub(crate) fn keep_results(&self, now: Instant) -> bool {
        let end = *self.finished_at.lock().unwrap_or_else(|p| p.into_inner());
        if end.is_some_and(|end| now.saturating_duration_since(end) >= RESULTS_KEPT) {
            self.forgotten.store(true, Ordering::Relaxed);
            let mut results = self.results.lock().unwrap_or_else(|p| p.into_inner());
            results.clear();
            results.shrink_to_fit();
        }
        !self.forgotten.load(Ordering::Relaxed)
    }

    pub(crate) fn finish(&self, now: Instant) {
        *self.finished_at.lock().unwrap_or_else(|p| p.into_inner()) = Some(now);
    }
}
