//! The store's journal: a change the answer depends on (an object saved, its audit entry) is appended here
//! with one `write` and applied to SQLite by the writer thread afterwards, so a save does not wait for a
//! SQLite transaction. A `write` that returned is in the kernel's page cache: it survives Conjure being
//! killed (SIGKILL included), as a WAL commit with `synchronous=NORMAL` does; neither survives a power
//! loss. At start, entries the database has not applied yet are applied before anything is served.
//!
//! One line per change: `[seq, [[sql, [value, …]], …]]` in JSON. The database keeps the last applied
//! `seq` in the same transaction as the change, so a change is applied exactly once.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use rusqlite::types::Value;

/// SQL statements with their parameters that must happen together: what a journal line holds and what the
/// writer applies in one transaction.
pub(super) type Statements = Vec<(Cow<'static, str>, Vec<Value>)>;

/// Past this size, the journal is emptied once the database has caught up with it.
const TRUNCATE_AT: u64 = 4 << 20;

pub(super) struct Journal {
    file: File,
    path: PathBuf,
    /// The `seq` of the next entry.
    next: u64,
    /// Bytes in the file.
    bytes: u64,
    /// An entry could not be applied: it is kept (the file is not emptied) for the next start.
    keep: bool,
}

impl Journal {
    /// Opens (creating, private) the journal at `path` and returns the entries after `applied`, in order.
    /// A last line cut short (a power loss in the middle of a write) is ignored: it was never answered.
    pub fn open(path: &Path, applied: u64) -> std::io::Result<(Journal, Vec<(u64, Statements)>)> {
        super::private::file(path)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        let mut entries = Vec::new();
        let mut last = applied;
        for line in BufReader::new(&file).lines() {
            let line = line?;
            match decode(&line) {
                Some((seq, statements)) if seq > applied => {
                    last = last.max(seq);
                    entries.push((seq, statements));
                }
                Some((seq, _)) => last = last.max(seq),
                None if line.trim().is_empty() => {}
                None => {
                    tracing::warn!(path = %path.display(), "ignored an unreadable line of the journal")
                }
            }
        }
        let bytes = file.metadata()?.len();
        Ok((
            Journal {
                file,
                path: path.to_path_buf(),
                next: last + 1,
                bytes,
                keep: false,
            },
            entries,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends the statements as one entry, in one `write`; returns its `seq`.
    pub fn append(&mut self, statements: &Statements) -> std::io::Result<u64> {
        let seq = self.next;
        let line = encode(seq, statements);
        self.file.write_all(&line)?;
        self.next += 1;
        self.bytes += line.len() as u64;
        Ok(seq)
    }

    /// The `seq` of the last entry appended (0: none yet).
    pub fn last(&self) -> u64 {
        self.next - 1
    }

    /// Empties the file when it is large and every entry in it is applied.
    pub fn truncate_if_applied(&mut self, applied: u64) {
        if self.keep || applied < self.last() || self.bytes < TRUNCATE_AT {
            return;
        }
        match self.file.set_len(0) {
            Ok(()) => self.bytes = 0,
            Err(e) => tracing::warn!(%e, "cannot empty the journal"),
        }
    }

    /// Keeps every entry until the next start (one of them could not be applied).
    pub fn keep(&mut self) {
        self.keep = true;
    }
}

fn encode(seq: u64, statements: &Statements) -> Vec<u8> {
    let list: Vec<serde_json::Value> = statements
        .iter()
        .map(|(sql, params)| {
            let params: Vec<serde_json::Value> = params
                .iter()
                .map(|v| match v {
                    Value::Integer(i) => (*i).into(),
                    Value::Text(t) => t.as_str().into(),
                    Value::Real(r) => (*r).into(),
                    Value::Null | Value::Blob(_) => serde_json::Value::Null,
                })
                .collect();
            serde_json::json!([sql.as_ref(), params])
        })
        .collect();
    let mut line =
        serde_json::to_vec(&serde_json::json!([seq, list])).expect("JSON values serialise");
    line.push(b'\n');
    line
}

fn decode(line: &str) -> Option<(u64, Statements)> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let seq = v.get(0)?.as_u64()?;
    let mut statements = Vec::new();
    for s in v.get(1)?.as_array()? {
        let sql = s.get(0)?.as_str()?.to_string();
        let params = s
            .get(1)?
            .as_array()?
            .iter()
            .map(|p| match p {
                serde_json::Value::Number(n) if n.is_i64() => {
                    Value::Integer(n.as_i64().unwrap_or_default())
                }
                serde_json::Value::Number(n) => Value::Real(n.as_f64().unwrap_or_default()),
                serde_json::Value::String(t) => Value::Text(t.clone()),
                _ => Value::Null,
            })
            .collect();
        statements.push((Cow::Owned(sql), params));
    }
    Some((seq, statements))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements() -> Statements {
        vec![
            (
                Cow::Borrowed("INSERT INTO t (a, b) VALUES (?1, ?2)"),
                vec![
                    Value::Text("line\nbreak \"quoted\"".into()),
                    Value::Integer(-7),
                ],
            ),
            (Cow::Borrowed("DELETE FROM t"), vec![Value::Null]),
        ]
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let line = encode(42, &statements());
        assert_eq!(
            line.iter().filter(|b| **b == b'\n').count(),
            1,
            "one line per entry"
        );
        let (seq, back) = decode(std::str::from_utf8(&line).unwrap().trim_end()).unwrap();
        assert_eq!(seq, 42);
        assert_eq!(back, statements());
    }

    #[test]
    fn reopening_returns_what_was_not_applied_and_skips_a_torn_end() {
        let dir = std::env::temp_dir().join(format!("conjure-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j");
        let _ = std::fs::remove_file(&path);
        let (mut j, none) = Journal::open(&path, 0).unwrap();
        assert!(none.is_empty());
        for _ in 0..3 {
            j.append(&statements()).unwrap();
        }
        drop(j);
        // A power loss in the middle of the last write.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"[4,[["DELETE"#).unwrap();
        let (j, entries) = Journal::open(&path, 1).unwrap();
        assert_eq!(entries.iter().map(|e| e.0).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(
            j.last(),
            3,
            "the torn entry was never answered, so its seq is free"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
