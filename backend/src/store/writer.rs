//! How the store writes: one writer thread that commits whatever has queued up in one transaction (group
//! commit), the journal in front of it for saves, and reads that wait for what was journaled before them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use super::journal::{self, Statements};
use super::{Store, StoreError};

/// What the journal needs beside the file.
pub(super) struct Behind {
    journal: Mutex<journal::Journal>,
    /// The last `seq` appended, and the last the writer applied (with a channel to wait on).
    appended: AtomicU64,
    applied: tokio::sync::watch::Sender<u64>,
    /// Inventory rows journaled but not yet applied: `(type, id)` → (its `seq`, its fields as JSON, or
    /// `None` when forgotten). The next save of the same object reads its "before" from here.
    pub(super) pending: Mutex<Pending>,
}

type Pending = HashMap<(String, String), (u64, Option<String>)>;

/// Statements that must happen together. A journaled job (`seq` > 0) is answered before it is applied;
/// the others wait for the writer thread (`done`).
pub(super) struct Job {
    statements: Statements,
    seq: u64,
    done: Option<tokio::sync::oneshot::Sender<Result<(), StoreError>>>,
}

pub(super) const APPLIED: &str = "UPDATE journal_state SET applied = ?1";

/// Takes every queued write, runs them in one transaction, commits once, then answers each.
fn writer(
    conn: Arc<Mutex<Connection>>,
    jobs: std::sync::mpsc::Receiver<Job>,
    behind: Option<Arc<Behind>>,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < 512 {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let mut c = conn.lock().unwrap_or_else(|p| p.into_inner());
        // The whole batch in one transaction. A statement that fails is rare (the schema is ours), so
        // instead of a savepoint per job, a failed batch is rolled back and its jobs run one at a time,
        // so each gets its own answer and no job is half applied.
        let results = match run_jobs(&mut c, &batch) {
            Ok(()) => batch.iter().map(|_| Ok(())).collect(),
            Err(_) => batch
                .iter()
                .map(|job| run_jobs(&mut c, std::slice::from_ref(job)))
                .collect::<Vec<_>>(),
        };
        drop(c);
        let applied = batch.iter().map(|j| j.seq).max().unwrap_or(0);
        let mut lost = false;
        for (job, r) in batch.into_iter().zip(results) {
            match job.done {
                Some(done) => {
                    let _ = done.send(r.map_err(StoreError::Sql));
                }
                None => {
                    if let Err(e) = r {
                        // Answered already: it stays in the journal, to be applied at the next start.
                        tracing::error!(seq = job.seq, %e, "a journaled change could not be applied to the database");
                        lost = true;
                    }
                }
            }
        }
        if let (Some(b), true) = (&behind, applied > 0) {
            b.pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|_, (seq, _)| *seq > applied);
            let mut j = b.journal.lock().unwrap_or_else(PoisonError::into_inner);
            if lost {
                j.keep();
            }
            j.truncate_if_applied(applied);
            drop(j);
            b.applied.send_replace(applied);
        }
    }
}

/// Runs the statements of `jobs` in one transaction; commits only if all succeed. Journaled jobs also
/// record, in the same transaction, that they are applied.
fn run_jobs(c: &mut Connection, jobs: &[Job]) -> rusqlite::Result<()> {
    let seq = jobs.iter().map(|j| j.seq).max().unwrap_or(0);
    let mark: Statements = if seq > 0 {
        vec![(
            APPLIED.into(),
            vec![rusqlite::types::Value::Integer(seq as i64)],
        )]
    } else {
        Vec::new()
    };
    run_statements(c, jobs.iter().map(|j| &j.statements).chain([&mark]))
}

fn run_statements<'a>(
    c: &mut Connection,
    batches: impl Iterator<Item = &'a Statements>,
) -> rusqlite::Result<()> {
    let tx = c.transaction()?;
    for statements in batches {
        for (sql, params) in statements {
            tx.prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params.iter()))?;
        }
    }
    tx.commit()
}

impl Store {
    /// Applies what a killed Conjure journaled but had not applied yet, then opens the journal for more.
    pub(super) fn replay(conn: &mut Connection, path: &Path) -> Result<Arc<Behind>, StoreError> {
        let files = |e| StoreError::Files(path.display().to_string(), e);
        let applied: i64 = conn.query_row("SELECT applied FROM journal_state", [], |r| r.get(0))?;
        let (journal, entries) = journal::Journal::open(path, applied as u64).map_err(files)?;
        if let Some((last, _)) = entries.last() {
            let count = entries.len();
            let mut all: Vec<&Statements> = entries.iter().map(|(_, s)| s).collect();
            let mark: Statements = vec![(
                APPLIED.into(),
                vec![rusqlite::types::Value::Integer(*last as i64)],
            )];
            all.push(&mark);
            run_statements(conn, all.into_iter())?;
            tracing::info!(count, "applied the changes a stopped Conjure had journaled");
        }
        let last = journal.last();
        Ok(Arc::new(Behind {
            journal: Mutex::new(journal),
            appended: AtomicU64::new(last),
            applied: tokio::sync::watch::Sender::new(last),
            pending: Mutex::new(HashMap::new()),
        }))
    }

    pub(super) fn start(conn: Connection, behind: Option<Arc<Behind>>) -> Self {
        let conn = Arc::new(Mutex::new(conn));
        let reader = conn.clone();
        let (writes, jobs) = std::sync::mpsc::channel();
        let for_writer = conn.clone();
        let for_thread = behind.clone();
        std::thread::Builder::new()
            .name("conjure-db-writer".into())
            .spawn(move || writer(for_writer, jobs, for_thread))
            .expect("cannot start the database writer thread");
        Store {
            conn,
            reader,
            writes,
            behind,
        }
    }

    /// Waits until the writer has applied every change journaled before this call (at once when it has).
    pub(super) async fn settled(&self) {
        let Some(b) = &self.behind else { return };
        let target = b.appended.load(Ordering::Acquire);
        if *b.applied.borrow() >= target {
            return;
        }
        let mut rx = b.applied.subscribe();
        let _ = rx.wait_for(|applied| *applied >= target).await;
    }

    /// Journals statements and queues them for the writer, without waiting for SQLite; `row` is the
    /// inventory row they set (for [`Store::fields`] until they are applied). In memory, a plain write.
    pub(super) async fn write_behind(
        &self,
        statements: Statements,
        row: Option<((String, String), Option<String>)>,
    ) -> Result<(), StoreError> {
        let Some(b) = &self.behind else {
            return self.write_now(statements).await;
        };
        let mut j = b.journal.lock().unwrap_or_else(PoisonError::into_inner);
        let seq = j
            .append(&statements)
            .map_err(|e| StoreError::Files(j.path().display().to_string(), e))?;
        if let Some((key, fields)) = row {
            b.pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, (seq, fields));
        }
        b.appended.store(seq, Ordering::Release);
        // Sent under the journal's lock, so the writer applies entries in the journal's order.
        self.writes
            .send(Job {
                statements,
                seq,
                done: None,
            })
            .expect("the database writer thread stopped");
        Ok(())
    }

    /// Commits statements that belong together. With the database idle they run at once on the calling
    /// task (a commit in WAL mode without fsync takes tens of microseconds, less than handing the job to
    /// another thread and back); while it is busy they queue for the writer thread, which commits
    /// everything queued in one transaction.
    pub(super) async fn write(
        &self,
        statements: Vec<(&'static str, Vec<rusqlite::types::Value>)>,
    ) -> Result<(), StoreError> {
        self.write_now(
            statements
                .into_iter()
                .map(|(sql, params)| (Cow::Borrowed(sql), params))
                .collect(),
        )
        .await
    }

    /// [`Store::write`] of statements that may be owned.
    pub(super) async fn write_now(&self, statements: Statements) -> Result<(), StoreError> {
        // After whatever was journaled before it, as the caller expects.
        self.settled().await;
        if let Ok(mut c) = self.conn.try_lock() {
            return run_statements(&mut c, std::iter::once(&statements)).map_err(StoreError::Sql);
        }
        let (done, wait) = tokio::sync::oneshot::channel();
        self.writes
            .send(Job {
                statements,
                seq: 0,
                done: Some(done),
            })
            .expect("the database writer thread stopped");
        wait.await.expect("the database writer thread stopped")
    }

    /// Runs `f` on the connection off the async runtime's threads.
    pub(super) async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.settled().await;
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || f(&mut conn.lock().unwrap_or_else(|p| p.into_inner())))
            .await
            .expect("a database task panicked")
            .map_err(StoreError::Sql)
    }
}
