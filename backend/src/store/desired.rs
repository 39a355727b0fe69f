//! The desired state's rows: every managed object as recorded, with its sealed secrets, for the
//! reconciler; and the check value that tells a start whether its key is the one secrets were sealed with.

use model::{Field, ObjectType};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// One managed object as Conjure last pushed it.
#[derive(Debug, Clone)]
pub struct Managed {
    /// The object's type.
    pub ty: ObjectType,
    /// The object's id.
    pub id: String,
    /// Asterisk's rendering when Conjure last pushed it, secrets left out.
    pub fields: Vec<Field>,
    /// The secret options it has.
    pub secrets_set: Vec<String>,
    /// Their values, sealed, if Conjure saw them.
    pub sealed: Option<String>,
    /// Counts the object's recorded changes: a push compares it before and after to see a change made
    /// meanwhile.
    pub version: i64,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Managed>> {
    let ty: String = r.get(0)?;
    let Some(ty) = ObjectType::parse(&ty) else {
        return Ok(None);
    };
    let fields: String = r.get(2)?;
    let secrets: String = r.get(3)?;
    Ok(Some(Managed {
        ty,
        id: r.get(1)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        secrets_set: serde_json::from_str(&secrets).unwrap_or_default(),
        sealed: r.get(4)?,
        version: r.get(5)?,
    }))
}

const COLUMNS: &str = "type, id, fields, secrets_set, sealed, version";

impl Store {
    /// Managed objects of `ty` with ids after `after`, at most `limit`, in id order: the reconciler and
    /// the drift check read the record a page at a time (30,000 endpoints at once, for four servers
    /// at once, measured 740 MB).
    pub async fn managed_page(
        &self,
        ty: ObjectType,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Managed>, StoreError> {
        self.settled().await;
        let c = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM objects WHERE type = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![ty.as_str(), after, limit as i64], row)?;
        let mut out = Vec::new();
        for r in rows {
            out.extend(r?);
        }
        Ok(out)
    }

    /// One managed object as it is recorded now (`None`: no longer managed).
    pub async fn managed_one(
        &self,
        ty: ObjectType,
        id: &str,
    ) -> Result<Option<Managed>, StoreError> {
        self.settled().await;
        let c = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let found = c
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM objects WHERE type = ?1 AND id = ?2"
            ))?
            .query_row(params![ty.as_str(), id], row)
            .optional()?;
        Ok(found.flatten())
    }

    /// Keeps secrets read from Asterisk for an object whose secrets Conjure did not know, unless the
    /// object changed meanwhile (`version`) or they are known by now.
    pub async fn capture_sealed(
        &self,
        ty: ObjectType,
        id: &str,
        version: i64,
        sealed: &str,
    ) -> Result<(), StoreError> {
        self.write_now(vec![(
            "UPDATE objects SET sealed = ?4 WHERE type = ?1 AND id = ?2 AND version = ?3 AND sealed IS NULL"
                .into(),
            vec![
                rusqlite::types::Value::Text(ty.as_str().into()),
                rusqlite::types::Value::Text(id.into()),
                rusqlite::types::Value::Integer(version),
                rusqlite::types::Value::Text(sealed.into()),
            ],
        )])
        .await
    }

    /// A value of Conjure's own (`seal_check`).
    pub async fn meta(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.settled().await;
        let c = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        Ok(c.prepare_cached("SELECT value FROM meta WHERE name = ?1")?
            .query_row(params![name], |r| r.get(0))
            .optional()?)
    }

    /// Sets a value of Conjure's own (the key's fingerprint, the last Asterisk start seen).
    pub async fn set_meta(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.write_now(vec![(
            "INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value"
                .into(),
            vec![
                rusqlite::types::Value::Text(name.into()),
                rusqlite::types::Value::Text(value.into()),
            ],
        )])
        .await
    }

    /// The managed objects that hold a sealed secret (an auth's password, an OAuth secret).
    pub async fn with_secrets(&self) -> Result<Vec<(ObjectType, String)>, StoreError> {
        self.settled().await;
        let c = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = c.prepare_cached("SELECT type, id FROM objects WHERE sealed IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for r in rows {
            let (ty, id) = r?;
            out.extend(ObjectType::parse(&ty).map(|t| (t, id)));
        }
        Ok(out)
    }

    /// How many managed objects have secrets Conjure does not know (recorded before it kept them).
    pub async fn secrets_unknown(&self) -> Result<u64, StoreError> {
        self.settled().await;
        let c = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        Ok(c.query_row(
            "SELECT count(*) FROM objects WHERE sealed IS NULL AND secrets_set <> '[]'",
            [],
            |r| r.get(0),
        )?)
    }
}
