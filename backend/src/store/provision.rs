//! Phone users and templates. Creating and finishing a user go through the group-commit writer, since an
//! import makes thousands of them.

use model::provision::{PhoneUser, PhoneUserSort, Template, TemplateFields};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, texts};

fn phone_user(r: &rusqlite::Row) -> rusqlite::Result<PhoneUser> {
    Ok(PhoneUser {
        extension: r.get(0)?,
        name: r.get(1)?,
        template: r.get(2)?,
        voicemail: r.get(3)?,
        created_at: r.get(4)?,
        created_by: r.get(5)?,
    })
}

const USER_COLUMNS: &str = "extension, name, template, voicemail, created_at, created_by";

impl Store {
    /// Adds the given templates where no template of that name exists (at start, before serving).
    pub fn add_missing_templates_blocking(&self, templates: &[Template]) -> Result<(), StoreError> {
        let c = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        for t in templates {
            let fields = serde_json::to_string(&t.fields).expect("fields serialise");
            c.execute(
                "INSERT INTO templates (name, description, fields, builtin) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO NOTHING",
                params![t.name, t.description, fields, t.builtin],
            )?;
        }
        Ok(())
    }

    /// Claims an extension before its objects are pushed; `false` if a phone user of that extension exists.
    pub async fn begin_phone_user(&self, u: &PhoneUser) -> Result<bool, StoreError> {
        if self.phone_user_any_state(&u.extension).await? {
            return Ok(false);
        }
        let claimed = self
            .write(vec![(
                "INSERT INTO phone_users (extension, name, template, voicemail, state, created_by)
                 VALUES (?1, ?2, ?3, ?4, 'creating', ?5)",
                texts([
                    &u.extension,
                    &u.name,
                    &u.template,
                    &u.voicemail,
                    &u.created_by,
                ]),
            )])
            .await;
        match claimed {
            Ok(()) => Ok(true),
            // Two requests for one extension at once: the second finds the first's claim.
            Err(StoreError::Sql(rusqlite::Error::SqliteFailure(e, _)))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Marks a phone user whose three objects were all made.
    pub async fn finish_phone_user(&self, extension: &str) -> Result<(), StoreError> {
        self.write(vec![(
            "UPDATE phone_users SET state = 'ready' WHERE extension = ?1",
            texts([extension]),
        )])
        .await
    }

    /// Drops a phone user's row.
    pub async fn forget_phone_user(&self, extension: &str) -> Result<(), StoreError> {
        self.write(vec![(
            "DELETE FROM phone_users WHERE extension = ?1",
            texts([extension]),
        )])
        .await
    }

    /// Changes a phone user's name and template.
    pub async fn update_phone_user(
        &self,
        extension: &str,
        name: &str,
        template: &str,
    ) -> Result<(), StoreError> {
        self.write(vec![(
            "UPDATE phone_users SET name = ?2, template = ?3 WHERE extension = ?1",
            texts([extension, name, template]),
        )])
        .await
    }

    async fn phone_user_any_state(&self, extension: &str) -> Result<bool, StoreError> {
        let ext = extension.to_string();
        self.with(move |c| {
            c.query_row(
                "SELECT 1 FROM phone_users WHERE extension = ?1",
                [ext],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
        })
        .await
    }

    /// The phone user of `extension`.
    pub async fn phone_user(&self, extension: &str) -> Result<Option<PhoneUser>, StoreError> {
        let ext = extension.to_string();
        self.with(move |c| {
            c.query_row(
                &format!("SELECT {USER_COLUMNS} FROM phone_users WHERE extension = ?1 AND state = 'ready'"),
                [ext],
                phone_user,
            )
            .optional()
        })
        .await
    }

    /// Phone users whose extension or name contains `search` (case-insensitive), by extension.
    pub async fn phone_users(
        &self,
        search: &str,
        (sort, descending): (PhoneUserSort, bool),
        limit: u32,
        offset: u32,
    ) -> Result<(u64, Vec<PhoneUser>), StoreError> {
        let dir = if descending { "DESC" } else { "ASC" };
        // A unique key last in every order, so a page boundary never falls between equal names or times.
        let order = match sort {
            // Digits sort as numbers: a shorter extension of digits is a smaller number.
            PhoneUserSort::Extension => format!("length(extension) {dir}, extension {dir}"),
            PhoneUserSort::Name => format!("name COLLATE NOCASE {dir}, extension"),
            // Rows made in the same millisecond (an import) keep their order both ways.
            PhoneUserSort::Created => format!("created_at {dir}, rowid {dir}"),
        };
        let pattern = format!(
            "%{}%",
            search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        self.with(move |c| {
            let filter = "state = 'ready' AND (extension LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\')";
            let total = c.query_row(&format!("SELECT count(*) FROM phone_users WHERE {filter}"), [&pattern], |r| r.get(0))?;
            let rows = c
                .prepare(&format!(
                    "SELECT {USER_COLUMNS} FROM phone_users WHERE {filter} ORDER BY {order} LIMIT ?2 OFFSET ?3"
                ))?
                .query_map(params![pattern, limit, offset], phone_user)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((total, rows))
        })
        .await
    }

    /// The extension a new phone user would most likely take: one above the highest extension of digits
    /// among phone users, passing over any id an endpoint of the inventory already has; `None` when no
    /// extension is made of digits (there is no numbering to follow).
    pub async fn next_extension(&self) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            let highest: Option<String> = c.query_row(
                "SELECT extension FROM phone_users WHERE extension NOT GLOB '*[^0-9]*' AND extension <> '' \
                 ORDER BY length(extension) DESC, extension DESC LIMIT 1",
                [],
                |r| r.get(0),
            ).optional()?;
            let Some(mut n) = highest.and_then(|h| h.parse::<u64>().ok()) else {
                return Ok(None);
            };
            let mut taken = c.prepare_cached(
                "SELECT 1 FROM objects WHERE type = 'endpoint' AND id = ?1 \
                 UNION ALL SELECT 1 FROM phone_users WHERE extension = ?1",
            )?;
            loop {
                n += 1;
                let candidate = n.to_string();
                if !taken.exists([&candidate])? {
                    return Ok(Some(candidate));
                }
            }
        })
        .await
    }

    /// Users a crash left half made.
    pub async fn unfinished_phone_users(&self) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            c.prepare("SELECT extension FROM phone_users WHERE state = 'creating'")?
                .query_map([], |r| r.get(0))?
                .collect()
        })
        .await
    }

    /// Every template.
    pub async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        self.with(|c| {
            c.prepare("SELECT name, description, fields, builtin FROM templates ORDER BY builtin DESC, name")?
                .query_map([], |r| {
                    let fields: String = r.get(2)?;
                    Ok(Template {
                        name: r.get(0)?,
                        description: r.get(1)?,
                        fields: serde_json::from_str::<TemplateFields>(&fields).unwrap_or_default(),
                        builtin: r.get(3)?,
                    })
                })?
                .collect()
        })
        .await
    }

    /// Every template's name, in the order [`Store::templates`] lists them.
    pub async fn template_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .templates()
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect())
    }

    /// Creates or replaces a template (a built-in one stays built-in).
    pub async fn save_template(&self, t: &Template) -> Result<(), StoreError> {
        let fields = serde_json::to_string(&t.fields).expect("fields serialise");
        let (name, description, builtin) = (t.name.clone(), t.description.clone(), t.builtin);
        self.with(move |c| {
            c.execute(
                "INSERT INTO templates (name, description, fields, builtin) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET description = excluded.description, fields = excluded.fields",
                params![name, description, fields, builtin],
            )
            .map(drop)
        })
        .await
    }

    /// Deletes a template that is not built in and that no user records; `false` if none was deleted.
    pub async fn delete_template(&self, name: &str) -> Result<bool, StoreError> {
        let name = name.to_string();
        self.with(move |c| {
            c.execute(
                "DELETE FROM templates WHERE name = ?1 AND builtin = 0",
                [name],
            )
            .map(|n| n == 1)
        })
        .await
    }

    /// How many phone users were made from template `name`.
    pub async fn template_in_use(&self, name: &str) -> Result<u64, StoreError> {
        let name = name.to_string();
        self.with(move |c| {
            c.query_row(
                "SELECT count(*) FROM phone_users WHERE template = ?1",
                [name],
                |r| r.get(0),
            )
        })
        .await
    }
}
