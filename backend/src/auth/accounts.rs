//! Administering accounts: users (add, role, disable, reset), one's own password, API tokens. Each
//! change an admin makes is recorded in the audit log here, by whoever made it ([`Who`]), so no door
//! to these functions can forget to.

use model::account::{Role, TokenView, UserView};
use std::sync::PoisonError;

use crate::audit::{self, Who};

use super::AuthError;
use super::{Auth, Principal, TOKEN_PREFIX, TokenRec, UserRec, Via, lock, password, token_hash};
use crate::secret::ExposeSecret;

impl Auth {
    /// Changes the signed-in user's own password; other sessions of that user end.
    pub async fn change_password(
        &self,
        p: &Principal,
        current: &str,
        new: &str,
    ) -> Result<(), AuthError> {
        if p.via == Via::Token || p.via == Via::TrustedHeader {
            return Err(AuthError::PasswordNotHere);
        }
        self.check_password(&p.name, current, &p.address, &[])
            .await
            .map_err(|_| AuthError::WrongCurrentPassword)?;
        password::check_new(&p.name, new)
            .map_err(|message| AuthError::Invalid { field: 1, message })?;
        self.set_password(
            &p.name,
            new,
            p.session.as_ref().map(|s| s.id.expose_secret()),
        )
        .await
    }

    async fn set_password(
        &self,
        user: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<(), AuthError> {
        let given = new.to_string();
        let hash = tokio::task::spawn_blocking(move || password::hash(&given))
            .await
            .expect("hashing does not panic");
        self.0
            .store
            .update_user(user, None, None, Some(hash.clone()))
            .await?;
        if let Some(u) = self
            .0
            .users
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(user)
        {
            u.hash = hash;
        }
        lock(&self.0.verified).clear();
        lock(&self.0.sessions).close_user(user, keep);
        Ok(())
    }

    /// Every panel user, without password hashes.
    pub async fn users(&self) -> Result<Vec<UserView>, AuthError> {
        Ok(self
            .0
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| u.view)
            .collect())
    }

    async fn user_view(&self, name: &str) -> Result<UserView, AuthError> {
        self.0
            .store
            .user(name)
            .await?
            .map(|u| u.view)
            .ok_or_else(|| AuthError::NoSuchUser(name.to_string()))
    }

    /// Adds a user; without a password, generates one and returns it.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        given: Option<String>,
        who: &Who,
    ) -> Result<(UserView, Option<String>), AuthError> {
        let added = self.add_user_unaudited(name, role, given).await?;
        tracing::info!(by = %who.actor, user = %added.0.name, role = %role, "user added");
        let mut e = audit::event(
            who,
            "add",
            "user",
            &added.0.name,
            format!("{} added the user {}", who.actor, added.0.name),
        );
        e.changes.push(audit::change("role", "", role));
        audit::record(&self.0.store, e).await;
        Ok(added)
    }

    async fn add_user_unaudited(
        &self,
        name: &str,
        role: Role,
        given: Option<String>,
    ) -> Result<(UserView, Option<String>), AuthError> {
        password::check_name(name).map_err(|message| AuthError::Invalid { field: 0, message })?;
        let generated = given.is_none();
        let pw = given.unwrap_or_else(password::generate);
        password::check_new(name, &pw)
            .map_err(|message| AuthError::Invalid { field: 2, message })?;
        let pw2 = pw.clone();
        let hash = tokio::task::spawn_blocking(move || password::hash(&pw2))
            .await
            .expect("hashing does not panic");
        if !self.0.store.add_user(name, role, hash.clone()).await? {
            return Err(AuthError::UserExists(name.to_string()));
        }
        self.0
            .users
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                name.to_string(),
                UserRec {
                    hash,
                    role,
                    disabled: false,
                },
            );
        Ok((self.user_view(name).await?, generated.then_some(pw)))
    }

    /// Changes a user's role or enabled state, or resets the password (returned once).
    pub async fn change_user(
        &self,
        name: &str,
        role: Option<Role>,
        disabled: Option<bool>,
        reset: bool,
        who: &Who,
    ) -> Result<(UserView, Option<String>), AuthError> {
        let before = self.standing(name);
        let changed = self
            .change_user_unaudited(name, role, disabled, reset)
            .await?;
        tracing::info!(by = %who.actor, user = %name, role = ?role, disabled = ?disabled, reset, "user changed");
        audit::record_all(
            &self.0.store,
            user_changed(who, name, before, role, disabled, reset),
        )
        .await;
        Ok(changed)
    }

    async fn change_user_unaudited(
        &self,
        name: &str,
        role: Option<Role>,
        disabled: Option<bool>,
        reset: bool,
    ) -> Result<(UserView, Option<String>), AuthError> {
        let Some(current) = self.user(name) else {
            return Err(AuthError::NoSuchUser(name.to_string()));
        };
        let stays_admin =
            role.unwrap_or(current.role) == Role::Admin && !disabled.unwrap_or(current.disabled);
        if current.role == Role::Admin && !current.disabled && !stays_admin {
            let admins = self
                .0
                .users
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .values()
                .filter(|u| u.role == Role::Admin && !u.disabled)
                .count();
            if admins <= 1 {
                return Err(AuthError::LastAdmin(name.to_string()));
            }
        }
        self.0.store.update_user(name, role, disabled, None).await?;
        if let Some(u) = self
            .0
            .users
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(name)
        {
            u.role = role.unwrap_or(u.role);
            u.disabled = disabled.unwrap_or(u.disabled);
        }
        lock(&self.0.verified).clear();
        if disabled == Some(true) {
            lock(&self.0.sessions).close_user(name, None);
        }
        let password = if reset {
            let pw = password::generate();
            self.set_password(name, &pw, None).await?;
            Some(pw)
        } else {
            None
        };
        Ok((self.user_view(name).await?, password))
    }

    /// Every API token, revoked ones too, without their values.
    pub async fn tokens(&self) -> Result<Vec<TokenView>, AuthError> {
        Ok(self
            .0
            .store
            .tokens()
            .await?
            .into_iter()
            .map(|t| t.view)
            .collect())
    }

    /// A new token: its value is returned this once; only its hash is kept.
    pub async fn add_token(
        &self,
        name: &str,
        role: Role,
        who: &Who,
    ) -> Result<(TokenView, String), AuthError> {
        let (token, value) = self.add_token_unaudited(name, role, &who.actor).await?;
        tracing::info!(by = %who.actor, token = %token.name, role = %token.role, "token created");
        let mut e = audit::event(
            who,
            "create",
            "token",
            &token.name,
            format!("{} created the API token '{}'", who.actor, token.name),
        );
        e.changes.push(audit::change("role", "", token.role));
        audit::record(&self.0.store, e).await;
        Ok((token, value))
    }

    async fn add_token_unaudited(
        &self,
        name: &str,
        role: Role,
        by: &str,
    ) -> Result<(TokenView, String), AuthError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(AuthError::Invalid {
                field: 0,
                message: "Give the token a name of 1 to 80 characters, e.g. the script or portal that will use it."
                    .into(),
            });
        }
        // The name is who the token acts as (the audit's `token:<name>`, an import's owner): two live
        // tokens of one name would be one another.
        let taken = self
            .0
            .tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .any(|t| t.name == name);
        if taken {
            return Err(AuthError::TokenExists(name.to_string()));
        }
        let value = format!("{TOKEN_PREFIX}{}", password::random_text::<32>());
        let hash = token_hash(&value);
        let row = self.0.store.add_token(name, role, &hash, by).await?;
        self.0
            .tokens
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                hash,
                TokenRec {
                    id: row.view.id,
                    name: name.to_string(),
                    role,
                },
            );
        Ok((row.view, value))
    }

    /// Revokes a token; returns its name.
    pub async fn revoke_token(&self, id: i64, who: &Who) -> Result<String, AuthError> {
        let name = self.revoke_token_unaudited(id).await?;
        tracing::info!(by = %who.actor, token = id, "token revoked");
        let msg = format!("{} revoked the API token '{name}'", who.actor);
        audit::record(
            &self.0.store,
            audit::event(who, "revoke", "token", &name, msg),
        )
        .await;
        Ok(name)
    }

    async fn revoke_token_unaudited(&self, id: i64) -> Result<String, AuthError> {
        if !self.0.store.revoke_token(id).await? {
            return Err(AuthError::NoSuchToken(id));
        }
        let mut name = format!("#{id}");
        self.0
            .tokens
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, t| {
                if t.id == id {
                    name.clone_from(&t.name);
                }
                t.id != id
            });
        Ok(name)
    }
}

fn state_word(disabled: bool) -> &'static str {
    if disabled { "disabled" } else { "enabled" }
}

/// The audit entries of a change of a user: what changed of role and state, and a reset password
/// (whose new value is never in the log). A change to what was already so records nothing.
fn user_changed(
    who: &Who,
    name: &str,
    before: Option<(Role, bool)>,
    role: Option<Role>,
    disabled: Option<bool>,
    reset: bool,
) -> Vec<model::api::AuditEntry> {
    let mut out = Vec::new();
    let mut e = audit::event(who, "change", "user", name, "");
    if let (Some(role), Some((was, _))) = (role, before)
        && role != was
    {
        e.changes.push(audit::change("role", was, role));
    }
    if let (Some(disabled), Some((_, was))) = (disabled, before)
        && disabled != was
    {
        e.changes.push(audit::change(
            "account",
            state_word(was),
            state_word(disabled),
        ));
    }
    if !e.changes.is_empty() {
        e.message = format!("{} changed the user {name}", who.actor);
        out.push(e);
    }
    if reset {
        let msg = format!(
            "{} reset the password of {name}; the new one was shown once",
            who.actor
        );
        out.push(audit::event(who, "reset-password", "user", name, msg));
    }
    out
}
