//! Verifying credentials: passwords (argon2, throttled per account and address), remembered Basic
//! credentials, API tokens, a portal's trusted header, session cookies; signing in and out.

use std::sync::PoisonError;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::AuthError;
use super::{
    Auth, Principal, SessionKeys, TOKEN_PREFIX, Via, account_key, address_key, lock, password,
    throttle, token_hash,
};

impl Auth {
    /// Whether sign-ins for `user` from `address` must wait. The account's lock is kept per address, so
    /// wrong passwords typed somewhere else never lock the account's owner out; an address that tries many
    /// accounts is locked as a whole.
    fn throttled(&self, user: &str, address: &str) -> Result<(), AuthError> {
        let t = lock(&self.0.throttle);
        if t.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let (key, wait) = match t.wait(&account_key(user, address), now) {
            Some(w) => ("this account", w),
            None => match t.wait(&address_key(address), now) {
                Some(w) => ("your address", w),
                None => return Ok(()),
            },
        };
        Err(AuthError::Throttled { scope: key, wait })
    }

    /// Checks a user's password with argon2 (off the async threads), throttled.
    /// One of the few argon2 checks that may run at once (each takes 19 MiB and a core).
    async fn hashing_slot(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.0
            .hashing
            .acquire()
            .await
            .expect("the semaphore is never closed")
    }

    pub(super) async fn check_password(
        &self,
        user: &str,
        password: &str,
        address: &str,
    ) -> Result<(), AuthError> {
        self.throttled(user, address)?;
        let _permit = self.hashing_slot().await;
        self.verify(user, password, address).await
    }

    /// Argon2 and the throttle's bookkeeping; the caller holds a hashing permit.
    async fn verify(&self, user: &str, password: &str, address: &str) -> Result<(), AuthError> {
        let hash = self.user(user).map(|u| u.hash);
        let given = password.to_string();
        let auth = self.clone();
        let ok = tokio::task::spawn_blocking(move || {
            let hash = hash.unwrap_or_else(|| {
                auth.0
                    .dummy_hash
                    .get_or_init(|| password::hash(&password::generate()))
                    .clone()
            });
            password::verify(&given, &hash)
        })
        .await
        .unwrap_or(false)
            && self.user(user).is_some();
        let mut t = lock(&self.0.throttle);
        let now = self.now();
        if ok {
            t.succeed(&account_key(user, address));
            return Ok(());
        }
        t.fail(&account_key(user, address), throttle::USER_FREE, now);
        t.fail(&address_key(address), throttle::ADDRESS_FREE, now);
        drop(t);
        tracing::warn!(user, address, "wrong password");
        Err(AuthError::WrongPassword)
    }

    /// Basic credentials (the ARI door and scripts). A password that is an API token counts as the token.
    pub async fn basic(
        &self,
        user: &str,
        password: &str,
        address: &str,
    ) -> Result<Principal, AuthError> {
        if password.starts_with(TOKEN_PREFIX) {
            return self.token(password, address);
        }
        let key: [u8; 32] = Sha256::new()
            .chain_update(user.as_bytes())
            .chain_update([0])
            .chain_update(password.as_bytes())
            .finalize()
            .into();
        let known = || lock(&self.0.verified).get(&key).is_some_and(|u| u == user);
        // Credentials argon2 accepted before go through unthrottled: a stranger's wrong passwords
        // must not stop a working script.
        if !known() {
            self.throttled(user, address)?;
            // The first requests of a script arrive together: one runs argon2, the others wait for a
            // hashing slot and then find the credentials remembered.
            let _permit = self.hashing_slot().await;
            if !known() {
                self.verify(user, password, address).await?;
            }
            let mut v = lock(&self.0.verified);
            if v.len() > 10_000 {
                v.clear();
            }
            v.insert(key, user.to_string());
        }
        self.principal(user, Via::Basic, address)
    }

    pub fn token(&self, value: &str, address: &str) -> Result<Principal, AuthError> {
        let found = self
            .0
            .tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&token_hash(value))
            .cloned();
        let Some(t) = found else {
            return Err(AuthError::UnknownToken);
        };
        let now = self.now();
        let due = {
            let mut w = lock(&self.0.token_written);
            let due = w
                .get(&t.id)
                .is_none_or(|at| now.duration_since(*at) >= Duration::from_secs(60));
            if due {
                w.insert(t.id, now);
            }
            due
        };
        if due {
            let store = self.0.store.clone();
            tokio::spawn(async move {
                if let Err(e) = store.token_used(t.id).await {
                    tracing::warn!(%e, "cannot record a token's last use");
                }
            });
        }
        Ok(Principal {
            name: t.name,
            role: t.role,
            via: Via::Token,
            address: address.to_string(),
            session: None,
        })
    }

    /// A portal's reverse proxy vouches for `user`.
    pub fn trusted(&self, user: &str, address: &str) -> Result<Principal, AuthError> {
        self.principal(user, Via::TrustedHeader, address)
            .map_err(|e| match e {
                AuthError::WrongPassword => AuthError::NoAccount(user.to_string()),
                e => e,
            })
    }

    /// The principal behind a session cookie, and the session's CSRF token.
    pub fn session(&self, id: &str, address: &str) -> Result<Principal, AuthError> {
        let (user, csrf) = {
            let mut s = lock(&self.0.sessions);
            match s.touch(id, self.now(), self.limits()) {
                Ok(s) => (s.user.clone(), s.csrf.clone()),
                Err(e) => return Err(AuthError::SessionEnded(e)),
            }
        };
        let mut p = self.principal(&user, Via::Session, address)?;
        p.session = Some(SessionKeys {
            id: id.into(),
            csrf: csrf.into(),
        });
        Ok(p)
    }

    /// Signs a user in: a new session.
    pub async fn login(
        &self,
        user: &str,
        password: &str,
        address: &str,
    ) -> Result<Principal, AuthError> {
        self.check_password(user, password, address).await?;
        let mut principal = self.principal(user, Via::Session, address)?;
        let id = password::random_text::<32>();
        let csrf = password::random_text::<18>();
        lock(&self.0.sessions).open(id.clone(), user, csrf.clone(), self.now(), self.limits());
        principal.session = Some(SessionKeys {
            id: id.as_str().into(),
            csrf: csrf.as_str().into(),
        });
        if let Err(e) = self.0.store.touch_login(user).await {
            tracing::warn!(%e, "cannot record the sign-in time");
        }
        tracing::info!(user, address, "signed in");
        Ok(principal)
    }

    pub fn logout(&self, session: &str) {
        lock(&self.0.sessions).close(session);
    }
}
