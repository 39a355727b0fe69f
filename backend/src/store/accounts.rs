//! Panel users and API tokens. Reads and writes here are rare (sign-in, admin pages), so they use the
//! connection directly instead of the group-commit writer; the auth layer keeps what requests need in memory.

use model::account::{Role, TokenView, UserView};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// A user as stored, hash included (never leaves the backend).
#[derive(Debug, Clone)]
pub struct UserRow {
    /// The user as listed.
    pub view: UserView,
    /// Their argon2 hash.
    pub hash: String,
}

/// A token as stored: its SHA-256, hex.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// The token as listed.
    pub view: TokenView,
    /// The SHA-256 of its value.
    pub hash: String,
}

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

fn role(s: String) -> Role {
    // Only our own code writes roles; an unknown one would be a bug, and viewer is the safe reading.
    Role::parse(&s).unwrap_or(Role::Viewer)
}

const USERS: &str = "SELECT name, role, disabled, created_at, last_login, hash FROM users";
const TOKENS: &str =
    "SELECT id, name, role, created_at, created_by, last_used, revoked_at, hash FROM tokens";

fn all_users(c: &rusqlite::Connection) -> rusqlite::Result<Vec<UserRow>> {
    c.prepare(&format!("{USERS} ORDER BY name"))?
        .query_map([], user_row)?
        .collect()
}

fn all_tokens(c: &rusqlite::Connection) -> rusqlite::Result<Vec<TokenRow>> {
    c.prepare(&format!("{TOKENS} ORDER BY id"))?
        .query_map([], token_row)?
        .collect()
}

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        view: UserView {
            name: r.get(0)?,
            role: role(r.get(1)?),
            disabled: r.get(2)?,
            created_at: r.get(3)?,
            last_login: r.get(4)?,
        },
        hash: r.get(5)?,
    })
}

fn token_row(r: &rusqlite::Row) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        view: TokenView {
            id: r.get(0)?,
            name: r.get(1)?,
            role: role(r.get(2)?),
            created_at: r.get(3)?,
            created_by: r.get(4)?,
            last_used: r.get(5)?,
            revoked: r.get::<_, Option<String>>(6)?.is_some(),
        },
        hash: r.get(7)?,
    })
}

impl Store {
    /// Every user and token, at start (before the async runtime serves anything).
    pub fn accounts_blocking(&self) -> Result<(Vec<UserRow>, Vec<TokenRow>), StoreError> {
        let c = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        Ok((all_users(&c)?, all_tokens(&c)?))
    }

    /// Adds a user at start, before the runtime serves (see [`Store::accounts_blocking`]).
    pub fn add_user_blocking(&self, name: &str, role: Role, hash: &str) -> Result<(), StoreError> {
        let c = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        c.execute(
            "INSERT INTO users (name, hash, role) VALUES (?1, ?2, ?3)",
            params![name, hash, role.as_str()],
        )?;
        Ok(())
    }

    /// Every user.
    pub async fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.with(|c| all_users(c)).await
    }

    /// The user `name`.
    pub async fn user(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        let name = name.to_string();
        self.with(move |c| {
            c.query_row(&format!("{USERS} WHERE name = ?1"), [name], user_row)
                .optional()
        })
        .await
    }

    /// Adds a user; `false` if the name is taken.
    pub async fn add_user(&self, name: &str, role: Role, hash: String) -> Result<bool, StoreError> {
        let name = name.to_string();
        self.with(move |c| {
            c.execute(
                "INSERT INTO users (name, hash, role) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
                params![name, hash, role.as_str()],
            )
            .map(|n| n == 1)
        })
        .await
    }

    /// Changes what is given; `false` if there is no such user.
    pub async fn update_user(
        &self,
        name: &str,
        role: Option<Role>,
        disabled: Option<bool>,
        hash: Option<String>,
    ) -> Result<bool, StoreError> {
        let name = name.to_string();
        self.with(move |c| {
            c.execute(
                "UPDATE users SET role = coalesce(?2, role), disabled = coalesce(?3, disabled),
                   hash = coalesce(?4, hash) WHERE name = ?1",
                params![name, role.map(Role::as_str), disabled, hash],
            )
            .map(|n| n == 1)
        })
        .await
    }

    /// Records that `name` signed in now.
    pub async fn touch_login(&self, name: &str) -> Result<(), StoreError> {
        let name = name.to_string();
        self.with(move |c| {
            c.execute(
                &format!("UPDATE users SET last_login = {NOW} WHERE name = ?1"),
                [name],
            )
            .map(|_| ())
        })
        .await
    }

    /// Every token.
    pub async fn tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        self.with(|c| all_tokens(c)).await
    }

    /// Adds a token (its hash only), created by `by`.
    pub async fn add_token(
        &self,
        name: &str,
        role: Role,
        hash: &str,
        by: &str,
    ) -> Result<TokenRow, StoreError> {
        let (name, hash, by) = (name.to_string(), hash.to_string(), by.to_string());
        self.with(move |c| {
            c.query_row(
                "INSERT INTO tokens (name, role, hash, created_by) VALUES (?1, ?2, ?3, ?4)
                 RETURNING id, name, role, created_at, created_by, last_used, revoked_at, hash",
                params![name, role.as_str(), hash, by],
                token_row,
            )
        })
        .await
    }

    /// Revokes a token; `false` if there is none with that id.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        self.with(move |c| {
            c.execute(
                &format!(
                    "UPDATE tokens SET revoked_at = coalesce(revoked_at, {NOW}) WHERE id = ?1"
                ),
                [id],
            )
            .map(|n| n == 1)
        })
        .await
    }

    /// Records that token `id` was used now.
    pub async fn token_used(&self, id: i64) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                &format!("UPDATE tokens SET last_used = {NOW} WHERE id = ?1"),
                [id],
            )
            .map(|_| ())
        })
        .await
    }
}
