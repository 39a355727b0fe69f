//! Conjure's own state in SQLite (`<data-dir>/conjure.sqlite3`): the inventory of objects pushed through
//! Conjure, since ARI cannot list what Asterisk holds.
//!
//! WAL with `synchronous=NORMAL`: a write that returned is in the WAL file, so nothing acknowledged is lost
//! when Conjure crashes or is killed (tested with SIGKILL). A power loss or kernel crash can lose the
//! commits since the last checkpoint; `FULL` would close that gap at one fsync per commit, which measured
//! 2,000 saves/s at best on these machines. Writes go through one writer thread that commits whatever has
//! queued up in a single transaction (group commit).
//!
//! A save's record (the object and its audit entry) does not wait for SQLite at all: it is appended to
//! the journal (`journal.rs`, one `write`, the same guarantee as the WAL) and the writer applies it
//! afterwards. Reads wait until the writer has applied what was journaled before them, and the object's
//! "before" for the next save's audit comes from the entries not yet applied, so nobody sees the lag.
//! Secrets are never stored in the clear: the inventory keeps which are set, and their values sealed
//! (`objects.sealed`, see seal.rs) so an object can be pushed again after Asterisk lost it.

mod accounts;
mod desired;
mod fleet;
mod journal;
mod migrations;
pub mod private;
mod provision;
#[cfg(test)]
mod replay_tests;
mod writer;

pub use accounts::{TokenRow, UserRow};
pub use desired::Managed;
pub use fleet::{NewPending, PendingRow, ServerRow};

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use journal::Statements;
use writer::{Behind, Job};

use model::api::{AuditEntry, AuditQuery, InventoryItem, InventoryPage, ListQuery, SortKey};
use model::{Field, ObjectType};
use rusqlite::{Connection, OptionalExtension, params};

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// A second connection for the point read every save makes (the audit's "before"): under WAL it reads
    /// while the writer commits, and it is used on the calling task, without a hand-off to a blocking thread.
    /// An in-memory database cannot be opened twice, so there it is the main connection.
    reader: Arc<Mutex<Connection>>,
    writes: std::sync::mpsc::Sender<Job>,
    /// The journal, for a store on disk (`None` in memory: tests that need no restart).
    behind: Option<Arc<Behind>>,
}

// Times are given (milliseconds since the epoch, taken when the change was made), so an entry applied
// from the journal after a restart keeps the time it happened.
const AUDIT: &str =
    "INSERT INTO audit (actor, address, action, type, object_id, changes, server, status, message, at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%fZ', ?10 / 1000.0, 'unixepoch'))";

const RECORD: &str = "INSERT INTO objects (type, id, fields, secrets_set, updated_at, updated_by)
     VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', ?6 / 1000.0, 'unixepoch'), ?5)
     ON CONFLICT (type, id) DO UPDATE SET fields = excluded.fields, secrets_set = excluded.secrets_set,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by, version = version + 1";
/// The sealed secrets of the object [`RECORD`] just wrote: a statement of its own, so a journal written
/// before secrets were kept (RECORD with six parameters) still applies after an upgrade.
const SEAL: &str = "UPDATE objects SET sealed = ?3 WHERE type = ?1 AND id = ?2";
const FORGET: &str = "DELETE FROM objects WHERE type = ?1 AND id = ?2";
const FORGET_TARGET: &str = "DELETE FROM targets WHERE type = ?1 AND id = ?2";

/// Milliseconds since the epoch, for the times of a change.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Why Conjure's own database could not be read or written.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Conjure's database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("Conjure's data directory {0}: {1}")]
    Files(String, std::io::Error),
}

impl Store {
    /// Opens (creating if needed, private to this user) the database in `dir` and brings its schema up
    /// to date.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join("conjure.sqlite3");
        private::dir(dir)
            .and_then(|()| private::file(&path))
            .map_err(|e| StoreError::Files(dir.display().to_string(), e))?;
        let mut conn = Connection::open(&path)?;
        prepare(&mut conn)?;
        let behind = Self::replay(&mut conn, &dir.join("conjure.journal"))?;
        let store = Self::start(conn, Some(behind));
        // Checkpoints (copying the WAL into the database, with an fsync) run on their own thread, so a
        // save never waits for one; the writer's own automatic checkpoints are off.
        store
            .conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpointer = Connection::open(&path)?;
        let alive = Arc::downgrade(&store.conn);
        std::thread::Builder::new()
            .name("conjure-db-checkpoint".into())
            .spawn(move || {
                // Until the store and its writer are gone.
                while alive.strong_count() > 0 {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                    if let Err(e) =
                        checkpointer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(%e, "database checkpoint failed");
                    }
                }
            })
            .expect("cannot start the database checkpoint thread");
        let reader = Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Ok(Store {
            reader: Arc::new(Mutex::new(reader)),
            ..store
        })
    }

    /// A private in-memory database, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        prepare(&mut conn)?;
        Ok(Self::start(conn, None))
    }

    /// Records an object as Asterisk now has it (secret values already removed).
    pub async fn record(
        &self,
        ty: ObjectType,
        id: &str,
        fields: Vec<Field>,
        secrets_set: Vec<String>,
        by: &str,
    ) -> Result<(), StoreError> {
        let fields = serde_json::to_string(&fields).expect("fields serialise");
        self.write_now(record_statement(
            ty.as_str(),
            id,
            &fields,
            &secrets_set,
            None,
            by,
            now_ms(),
        ))
        .await
    }

    /// Applies a change to the inventory (record or forget) and its audit entry in one transaction.
    pub async fn change(
        &self,
        inventory: Inventory<'_>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut statements = Vec::with_capacity(2);
        let at = now_ms();
        let key = || (audit.object_type.clone(), audit.id.clone());
        let row = match inventory {
            Inventory::Record {
                fields,
                secrets_set,
                sealed,
            } => {
                let json = serde_json::to_string(fields).expect("fields serialise");
                statements.extend(record_statement(
                    &audit.object_type,
                    &audit.id,
                    &json,
                    secrets_set,
                    sealed,
                    &audit.actor,
                    at,
                ));
                Some((key(), Some(json)))
            }
            Inventory::Forget => {
                statements.push((
                    FORGET.into(),
                    texts([audit.object_type.as_str(), &audit.id]),
                ));
                statements.push((
                    FORGET_TARGET.into(),
                    texts([audit.object_type.as_str(), &audit.id]),
                ));
                Some((key(), None))
            }
            Inventory::Keep => None,
        };
        let changes = serde_json::to_string(&audit.changes).expect("changes serialise");
        let mut params = texts([
            &audit.actor,
            &audit.address,
            &audit.action,
            audit.object_type.as_str(),
            &audit.id,
            &changes,
            &audit.server,
        ]);
        params.push(rusqlite::types::Value::Integer(audit.status as i64));
        params.push(rusqlite::types::Value::Text(audit.message.clone()));
        params.push(rusqlite::types::Value::Integer(at));
        statements.push((AUDIT.into(), params));
        self.write_behind(statements, row).await
    }

    /// The fields recorded for an object (its state before a change, for the audit's diff).
    /// A primary-key read takes microseconds, so it runs on the calling task.
    pub async fn fields(&self, ty: ObjectType, id: &str) -> Result<Option<Vec<Field>>, StoreError> {
        // A change journaled but not yet applied is the object's latest state.
        if let Some(b) = &self.behind {
            let pending = b.pending.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, fields)) = pending.get(&(ty.as_str().to_string(), id.to_string())) {
                return Ok(fields
                    .as_deref()
                    .map(|f| serde_json::from_str(f).unwrap_or_default()));
            }
        }
        let c = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let found = c
            .prepare_cached("SELECT fields FROM objects WHERE type = ?1 AND id = ?2")?
            .query_row(params![ty.as_str(), id], |r| r.get::<_, String>(0))
            .optional()?;
        Ok(found.map(|f| serde_json::from_str(&f).unwrap_or_default()))
    }

    /// An audit entry alone: something done to Conjure itself (an account, a token, a template, a
    /// download of passwords), committed before the caller goes on.
    pub async fn log(&self, audit: &AuditEntry) -> Result<(), StoreError> {
        self.change(Inventory::Keep, audit).await
    }

    /// Audit entries, newest first, filtered.
    pub async fn audit(&self, q: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        self.with(move |c| {
            let mut sql = String::from(
                "SELECT seq, at, actor, address, action, type, object_id, changes, server, status, message FROM audit WHERE 1=1",
            );
            let mut params: Vec<rusqlite::types::Value> = Vec::new();
            let mut filter = |clause: &str, v: Option<String>| {
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    params.push(rusqlite::types::Value::Text(v));
                    sql.push_str(&format!(" AND {clause} ?{}", params.len()));
                }
            };
            filter("actor =", q.actor);
            filter("type =", q.object_type);
            filter("object_id =", q.id);
            filter("at >=", q.since);
            filter("at <", q.until);
            filter("seq <", q.before.map(|b| b.to_string()));
            sql.push_str(&format!(" ORDER BY seq DESC LIMIT {}", q.limit.clamp(1, 10_000)));
            let mut stmt = c.prepare(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                let changes: String = r.get(7)?;
                let ty: String = r.get(5)?;
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    address: r.get(3)?,
                    action: r.get(4)?,
                    object_type: ty,
                    id: r.get(6)?,
                    changes: serde_json::from_str(&changes).unwrap_or_default(),
                    server: r.get(8)?,
                    status: r.get::<_, i64>(9)? as u16,
                    message: r.get(10)?,
                    summary: String::new(),
                })
            })?
            .collect()
        })
        .await
    }

    /// Whether the inventory has object `ty`/`id`.
    pub async fn contains(&self, ty: ObjectType, id: &str) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.with(move |c| {
            c.query_row(
                "SELECT 1 FROM objects WHERE type = ?1 AND id = ?2",
                params![ty.as_str(), id],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
        })
        .await
    }

    /// Ids of the given type that are in the inventory, out of `ids`.
    pub async fn known(&self, ty: ObjectType, ids: Vec<String>) -> Result<Vec<String>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached("SELECT 1 FROM objects WHERE type = ?1 AND id = ?2")?;
            let mut out = Vec::new();
            for id in ids {
                if stmt.exists(params![ty.as_str(), id])? {
                    out.push(id);
                }
            }
            Ok(out)
        })
        .await
    }

    /// One page of a type's objects, searched by id (substring, case-insensitive) and sorted.
    pub async fn list(&self, ty: ObjectType, q: ListQuery) -> Result<InventoryPage, StoreError> {
        self.with(move |c| {
            let pattern = format!("%{}%", q.search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            let order = match (q.sort, q.descending) {
                (SortKey::Id, false) => "id ASC",
                (SortKey::Id, true) => "id DESC",
                (SortKey::Updated, false) => "updated_at ASC, id ASC",
                (SortKey::Updated, true) => "updated_at DESC, id ASC",
            };
            let total: u64 = c.query_row(
                "SELECT count(*) FROM objects WHERE type = ?1 AND id LIKE ?2 ESCAPE '\\'",
                params![ty.as_str(), pattern],
                |r| r.get(0),
            )?;
            let per_page = q.per_page.clamp(1, 200);
            let offset = q.page.saturating_sub(1) as u64 * per_page as u64;
            let sql = format!(
                "SELECT id, updated_at, updated_by, secrets_set FROM objects WHERE type = ?1 AND id LIKE ?2 ESCAPE '\\'
                 ORDER BY {order} LIMIT ?3 OFFSET ?4"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let items = stmt
                .query_map(params![ty.as_str(), pattern, per_page, offset], |r| {
                    let secrets: String = r.get(3)?;
                    Ok(InventoryItem {
                        id: r.get(0)?,
                        updated_at: r.get(1)?,
                        updated_by: r.get(2)?,
                        secrets_set: serde_json::from_str(&secrets).unwrap_or_default(),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(InventoryPage { total, page: q.page.max(1), per_page, items, unmanaged: Vec::new() })
        })
        .await
    }

    /// How many objects of each type the inventory holds.
    pub async fn counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached("SELECT type, count(*) FROM objects GROUP BY type")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .await
    }
}

/// What a change does to the inventory.
pub enum Inventory<'a> {
    /// Record the object as Asterisk rendered it.
    Record {
        /// The rendering, secrets left out.
        fields: &'a [Field],
        /// The secret options it has.
        secrets_set: &'a [String],
        /// The secret fields, sealed (seal.rs); `None` when there are none or Conjure did not see them.
        sealed: Option<&'a str>,
    },
    /// Drop it from the inventory (deleted, or no longer managed).
    Forget,
    /// Nothing (a change Asterisk refused).
    Keep,
}

fn texts<const N: usize>(values: [&str; N]) -> Vec<rusqlite::types::Value> {
    values
        .iter()
        .map(|v| rusqlite::types::Value::Text(v.to_string()))
        .collect()
}

/// The inventory row of an object; `fields` is its JSON (also kept for the journal's pending rows).
fn record_statement(
    ty: &str,
    id: &str,
    fields: &str,
    secrets_set: &[String],
    sealed: Option<&str>,
    by: &str,
    at: i64,
) -> Statements {
    let secrets = serde_json::to_string(secrets_set).expect("strings serialise");
    let mut params = texts([ty, id, fields, &secrets, by]);
    params.push(rusqlite::types::Value::Integer(at));
    let mut seal = texts([ty, id]);
    seal.push(sealed.map_or(rusqlite::types::Value::Null, |s| {
        rusqlite::types::Value::Text(s.to_string())
    }));
    vec![(RECORD.into(), params), (SEAL.into(), seal)]
}

/// The connection's settings and the schema, before anything reads or writes.
fn prepare(conn: &mut Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations::run(conn)?;
    Ok(())
}
