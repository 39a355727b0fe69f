//! The fleet's rows: the servers added in the panel (password sealed) and the changes waiting for a
//! server that did not answer, in the order they were made.

use std::collections::HashMap;

use model::fleet::{PendingChange, SplitChange};
use rusqlite::params;

use super::{Store, StoreError};

/// A server as stored; `password` is sealed (seal.rs, context `server:<name>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRow {
    /// The server's name.
    pub name: String,
    /// Its ARI address.
    pub ari_url: String,
    /// Its ARI user.
    pub ari_user: String,
    /// Its ARI password, sealed.
    pub password: String,
    /// The CA file its TLS is checked against.
    pub ca_file: Option<String>,
    /// Its groups.
    pub groups: Vec<String>,
    /// Whether it gets changes.
    pub enabled: bool,
}

/// A change waiting for a server; `body` is the PUT body sealed (context `pending:<server>`).
#[derive(Debug, Clone)]
pub struct PendingRow {
    /// The change as listed.
    pub change: PendingChange,
    /// The body to send (a PUT's), secrets sealed.
    pub body: Option<String>,
}

/// A change to keep for a server: `body` sealed, `why` the reason it did not reach it.
#[derive(Debug, Clone)]
pub struct NewPending {
    /// The server it waits for.
    pub server: String,
    /// The object's type.
    pub object_type: String,
    /// The object's id.
    pub id: String,
    /// `put` or `delete`.
    pub op: &'static str,
    /// A PUT's body, secrets sealed.
    pub body: Option<String>,
    /// Who made the change.
    pub actor: String,
    /// Why it waits (the server's silence, or its refusal).
    pub why: String,
}

fn server_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ServerRow> {
    let groups: String = r.get(5)?;
    Ok(ServerRow {
        name: r.get(0)?,
        ari_url: r.get(1)?,
        ari_user: r.get(2)?,
        password: r.get(3)?,
        ca_file: r.get(4)?,
        groups: serde_json::from_str(&groups).unwrap_or_default(),
        enabled: r.get(6)?,
    })
}

fn pending_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingRow> {
    Ok(PendingRow {
        change: PendingChange {
            seq: r.get(0)?,
            server: r.get(1)?,
            object_type: r.get(2)?,
            id: r.get(3)?,
            op: r.get(4)?,
            actor: r.get(6)?,
            created_at: r.get(7)?,
            attempts: r.get(8)?,
            last_error: r.get(9)?,
            refused: r.get(10)?,
        },
        body: r.get(5)?,
    })
}

const PENDING: &str = "SELECT seq, server, type, id, op, body, actor, created_at, attempts, last_error, refused FROM pending";

impl Store {
    /// Every server added in the panel.
    pub async fn servers(&self) -> Result<Vec<ServerRow>, StoreError> {
        self.with(|c| {
            let mut s = c.prepare(
                "SELECT name, ari_url, ari_user, password, ca_file, groups, enabled FROM servers ORDER BY name",
            )?;
            let rows = s.query_map([], server_row)?;
            rows.collect()
        })
        .await
    }

    /// Adds a server; `false` when one of that name exists.
    pub async fn add_server(&self, row: ServerRow, by: &str) -> Result<bool, StoreError> {
        let by = by.to_string();
        self.with(move |c| {
            let groups = serde_json::to_string(&row.groups).expect("strings serialise");
            let n = c.execute(
                "INSERT INTO servers (name, ari_url, ari_user, password, ca_file, groups, enabled, added_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (name) DO NOTHING",
                params![row.name, row.ari_url, row.ari_user, row.password, row.ca_file, groups, row.enabled, by],
            )?;
            Ok(n == 1)
        })
        .await
    }

    /// Replaces a server's row; whether there was one.
    pub async fn update_server(&self, row: ServerRow) -> Result<bool, StoreError> {
        self.with(move |c| {
            let groups = serde_json::to_string(&row.groups).expect("strings serialise");
            let n = c.execute(
                "UPDATE servers SET ari_url = ?2, ari_user = ?3, password = ?4, ca_file = ?5, groups = ?6, enabled = ?7
                 WHERE name = ?1",
                params![row.name, row.ari_url, row.ari_user, row.password, row.ca_file, groups, row.enabled],
            )?;
            Ok(n == 1)
        })
        .await
    }

    /// Removes a server and the changes waiting for it: whether it existed, and how many were dropped.
    pub async fn remove_server(&self, name: &str) -> Result<(bool, usize), StoreError> {
        let name = name.to_string();
        self.with(move |c| {
            let tx = c.transaction()?;
            let dropped = tx.execute("DELETE FROM pending WHERE server = ?1", params![name])?;
            let n = tx.execute("DELETE FROM servers WHERE name = ?1", params![name])?;
            tx.commit()?;
            Ok((n == 1, dropped))
        })
        .await
    }

    /// Keeps a change for a server that did not answer. Journaled like a save (one append, applied by
    /// the writer with others): an import to a fleet with a server down keeps one per object.
    pub async fn enqueue(&self, n: NewPending) -> Result<(), StoreError> {
        let text = |s: String| rusqlite::types::Value::Text(s);
        let params = vec![
            text(n.server),
            text(n.object_type),
            text(n.id),
            text(n.op.to_string()),
            n.body.map_or(rusqlite::types::Value::Null, text),
            text(n.actor),
            text(n.why),
        ];
        self.write_behind(
            vec![(
                "INSERT INTO pending (server, type, id, op, body, actor, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)".into(),
                params,
            )],
            None,
        )
        .await
    }

    /// One waiting change.
    pub async fn pending_one(&self, seq: i64) -> Result<Option<PendingRow>, StoreError> {
        self.with(move |c| {
            let mut s = c.prepare_cached(&format!("{PENDING} WHERE seq = ?1"))?;
            let mut rows = s.query_map(params![seq], pending_row)?;
            rows.next().transpose()
        })
        .await
    }

    /// The oldest `limit` changes waiting for any server, and per server how many wait and how many
    /// were refused.
    pub async fn pending_summary(
        &self,
        limit: usize,
    ) -> Result<(Vec<PendingRow>, HashMap<String, (usize, usize)>), StoreError> {
        self.with(move |c| {
            let mut s = c.prepare_cached(&format!("{PENDING} ORDER BY seq LIMIT ?1"))?;
            let rows = s
                .query_map(params![limit as i64], pending_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
            let mut s = c.prepare_cached(
                "SELECT server, refused, count(*) FROM pending GROUP BY server, refused",
            )?;
            let mut q = s.query([])?;
            while let Some(r) = q.next()? {
                let (server, refused, n): (String, bool, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                let e = counts.entry(server).or_default();
                if refused {
                    e.1 += n as usize;
                } else {
                    e.0 += n as usize;
                }
            }
            Ok((rows, counts))
        })
        .await
    }

    /// The oldest `limit` changes still to be tried on `server`, in order.
    pub async fn next_pending(
        &self,
        server: &str,
        limit: usize,
    ) -> Result<Vec<PendingRow>, StoreError> {
        let server = server.to_string();
        self.with(move |c| {
            let mut s = c.prepare_cached(&format!(
                "{PENDING} WHERE server = ?1 AND refused = 0 ORDER BY seq LIMIT ?2"
            ))?;
            let rows = s.query_map(params![server, limit as i64], pending_row)?;
            rows.collect()
        })
        .await
    }

    /// The objects changes wait for on `server` (the reconciler leaves them to the queue).
    pub async fn pending_objects(
        &self,
        server: &str,
    ) -> Result<std::collections::HashSet<(String, String)>, StoreError> {
        let server = server.to_string();
        self.with(move |c| {
            let mut s = c.prepare_cached("SELECT type, id FROM pending WHERE server = ?1")?;
            let rows = s.query_map(params![server], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
        .await
    }

    /// A waiting change was applied (or discarded): it is gone.
    pub async fn pending_done(&self, seq: i64) -> Result<bool, StoreError> {
        self.with(move |c| Ok(c.execute("DELETE FROM pending WHERE seq = ?1", params![seq])? == 1))
            .await
    }

    /// Several applied changes, gone in one transaction.
    pub async fn pending_all_done(&self, seqs: Vec<i64>) -> Result<(), StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            {
                let mut s = tx.prepare_cached("DELETE FROM pending WHERE seq = ?1")?;
                for seq in seqs {
                    s.execute(params![seq])?;
                }
            }
            tx.commit()
        })
        .await
    }

    /// A try failed: counted, with its error; `refused` (Asterisk said no) stops the retries.
    pub async fn pending_failed(
        &self,
        seq: i64,
        error: &str,
        refused: bool,
    ) -> Result<(), StoreError> {
        let error = error.to_string();
        self.with(move |c| {
            c.execute(
                "UPDATE pending SET attempts = attempts + 1, last_error = ?2, refused = ?3 WHERE seq = ?1",
                params![seq, error, refused],
            )?;
            Ok(())
        })
        .await
    }

    /// A refused change is tried again (a person fixed the cause).
    pub async fn pending_retry(&self, seq: i64) -> Result<Option<String>, StoreError> {
        self.with(move |c| {
            let server = c
                .query_row(
                    "UPDATE pending SET refused = 0 WHERE seq = ?1 RETURNING server",
                    params![seq],
                    |r| r.get(0),
                )
                .ok();
            Ok(server)
        })
        .await
    }

    /// How many objects Conjure manages (left on a server that is removed).
    pub async fn managed_count(&self) -> Result<u64, StoreError> {
        self.with(|c| c.query_row("SELECT count(*) FROM objects", [], |r| r.get(0)))
            .await
    }

    /// Every object that does not go to every server, with where it goes.
    pub async fn targets(&self) -> Result<Vec<(String, String, Vec<String>)>, StoreError> {
        self.with(|c| {
            let mut s = c.prepare("SELECT type, id, target FROM targets")?;
            let rows = s.query_map([], |r| {
                let t: String = r.get(2)?;
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    serde_json::from_str(&t).unwrap_or_default(),
                ))
            })?;
            rows.collect()
        })
        .await
    }

    /// Where an object goes (`None`: every server).
    pub async fn set_target(
        &self,
        ty: &str,
        id: &str,
        target: Option<&[String]>,
    ) -> Result<(), StoreError> {
        let text = |s: &str| rusqlite::types::Value::Text(s.to_string());
        let statement = match target {
            Some(t) => (
                "INSERT INTO targets (type, id, target) VALUES (?1, ?2, ?3)
                 ON CONFLICT (type, id) DO UPDATE SET target = excluded.target"
                    .into(),
                vec![
                    text(ty),
                    text(id),
                    text(&serde_json::to_string(t).expect("strings serialise")),
                ],
            ),
            None => (super::FORGET_TARGET.into(), vec![text(ty), text(id)]),
        };
        self.write_behind(vec![statement], None).await
    }

    /// The changes waiting for the objects of these phone users (id, server, refused), by server.
    pub async fn pending_for(
        &self,
        ids: Vec<String>,
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.with(move |c| {
            let marks = vec!["?"; ids.len()].join(",");
            let mut s = c.prepare(&format!(
                "SELECT DISTINCT id, server, refused FROM pending
                 WHERE type IN ('auth', 'aor', 'endpoint') AND id IN ({marks}) ORDER BY server"
            ))?;
            let rows = s.query_map(rusqlite::params_from_iter(ids), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            rows.collect()
        })
        .await
    }

    /// Keeps a change applied on some servers and refused by others.
    pub async fn add_split(
        &self,
        c: SplitChange,
        previous: Option<String>,
    ) -> Result<(), StoreError> {
        self.with(move |conn| {
            let list = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
            conn.execute(
                "INSERT INTO split_changes (token, type, id, applied, refused, previous, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![c.token, c.object_type, c.id, list(&c.applied), list(&c.refused), previous, c.actor],
            )?;
            Ok(())
        })
        .await
    }

    /// The split changes, newest first; with `token`, that one alone (and its sealed previous PUT).
    pub async fn splits(
        &self,
        token: Option<&str>,
    ) -> Result<Vec<(SplitChange, Option<String>)>, StoreError> {
        let token = token.map(str::to_string);
        self.with(move |c| {
            let mut s = c.prepare_cached(
                "SELECT token, type, id, applied, refused, previous, actor, created_at FROM split_changes
                 WHERE ?1 IS NULL OR token = ?1 ORDER BY created_at DESC LIMIT 200",
            )?;
            let rows = s.query_map(params![token], |r| {
                let list = |i: usize| -> rusqlite::Result<Vec<String>> {
                    let t: String = r.get(i)?;
                    Ok(serde_json::from_str(&t).unwrap_or_default())
                };
                let previous: Option<String> = r.get(5)?;
                Ok((
                    SplitChange {
                        token: r.get(0)?,
                        object_type: r.get(1)?,
                        id: r.get(2)?,
                        applied: list(3)?,
                        refused: list(4)?,
                        created: previous.is_none(),
                        actor: r.get(6)?,
                        created_at: r.get(7)?,
                    },
                    previous,
                ))
            })?;
            rows.collect()
        })
        .await
    }

    /// A split change retried or undone: gone (`false` when it was already).
    pub async fn remove_split(&self, token: &str) -> Result<bool, StoreError> {
        let token = token.to_string();
        self.with(move |c| {
            Ok(c.execute("DELETE FROM split_changes WHERE token = ?1", params![token])? == 1)
        })
        .await
    }
}
