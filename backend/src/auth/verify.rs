//! Verifying credentials: passwords (argon2, throttled per account and address), remembered Basic
//! credentials, API tokens, a portal's trusted header, session cookies; signing in and out.

use std::sync::PoisonError;
use std::sync::atomic::Ordering;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::AuthError;
use super::{
    Auth, MAX_HASHING_QUEUE, Principal, SessionKeys, TOKEN_PREFIX, Via, account_key, address_group,
    address_key, anywhere_key, device, device_key, lock, password, shown_name, throttle,
    token_hash,
};

/// The keys one password attempt is counted on, each with its allowance and the words that name it in
/// a refusal. The first is the account's own: a success clears it, and only it.
struct Keys {
    keys: Vec<(String, u32)>,
    scopes: Vec<&'static str>,
}

/// An attempt's places on its keys, given back when it is judged, or counted as a failure if it never is
/// (the client went away while it waited for argon2: cancelling must not be a way to guess uncounted).
struct Open<'a> {
    auth: &'a Auth,
    attempt: Option<throttle::Attempt>,
}

impl Open<'_> {
    fn settle(mut self, ok: bool) {
        if let Some(a) = self.attempt.take() {
            lock(&self.auth.0.throttle).settle(a, ok, if ok { &[0] } else { &[] }, self.auth.now());
        }
    }

    /// Gives the places back without judging (Conjure was too busy to check).
    fn release(mut self) {
        if let Some(a) = self.attempt.take() {
            lock(&self.auth.0.throttle).settle(a, true, &[], self.auth.now());
        }
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if let Some(a) = self.attempt.take() {
            lock(&self.auth.0.throttle).settle(a, false, &[], self.auth.now());
        }
    }
}

/// Counts a waiter for a hashing slot while it exists.
struct Queued<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Takes the Basic check of some credentials off the map when its leader ends, however it ends.
struct Leading<'a> {
    auth: &'a Auth,
    key: [u8; 32],
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        lock(&self.auth.0.basic_checks).remove(&self.key);
    }
}

impl Auth {
    /// What an attempt for `user` from `address` is counted on. A browser with a device cookie for this
    /// user is counted by that cookie alone; any other attempt by the account from its address (an IPv6
    /// address by its /64), by the address over all accounts, and by the account over all addresses.
    fn keys(&self, user: &str, address: &str, devices: &[&str]) -> Keys {
        // A browser may hold device cookies of several users: the one issued for this user counts.
        let hash = (!devices.is_empty())
            .then(|| self.user(user).map(|u| u.hash))
            .flatten();
        if let Some(nonce) = hash.as_deref().and_then(|hash| {
            devices
                .iter()
                .find_map(|cookie| device::nonce_for(cookie, user, hash))
        }) {
            return Keys {
                keys: vec![(device_key(nonce), throttle::USER_FREE)],
                scopes: vec!["this browser"],
            };
        }
        let group = address_group(address);
        if password::check_name(user).is_err() {
            // No account has such a name: only the address is counted, and the name (it may be
            // anything a header can carry) is not kept.
            return Keys {
                keys: vec![(address_key(&group), throttle::ADDRESS_FREE)],
                scopes: vec!["your address"],
            };
        }
        Keys {
            keys: vec![
                (account_key(user, &group), throttle::USER_FREE),
                (address_key(&group), throttle::ADDRESS_FREE),
                (anywhere_key(user), throttle::ACCOUNT_FREE),
            ],
            scopes: vec!["this account", "your address", "this account"],
        }
    }

    /// Starts an attempt, or says why it must wait. Counted from here, before argon2 has said anything.
    fn open(&self, keys: Keys) -> Result<Open<'_>, AuthError> {
        let attempt = lock(&self.0.throttle)
            .begin(keys.keys, self.now())
            .map_err(|r| AuthError::Throttled {
                scope: keys.scopes[r.key],
                wait: r.wait,
            })?;
        Ok(Open {
            auth: self,
            attempt: Some(attempt),
        })
    }

    /// Checks a user's password with argon2 (off the async threads), throttled; `devices` are the
    /// device cookies the browser sent, if any.
    pub(super) async fn check_password(
        &self,
        user: &str,
        password: &str,
        address: &str,
        devices: &[&str],
    ) -> Result<(), AuthError> {
        let named = password::check_name(user).is_ok();
        let open = self.open(self.keys(user, address, devices))?;
        if !named {
            open.settle(false);
            tracing::warn!(user = %shown_name(user), address, "sign-in with a name no account can have");
            return Err(AuthError::WrongPassword);
        }
        let queue = &self.0.hashing_queue;
        if queue.fetch_add(1, Ordering::Relaxed) >= MAX_HASHING_QUEUE {
            queue.fetch_sub(1, Ordering::Relaxed);
            open.release();
            return Err(AuthError::Busy);
        }
        let queued = Queued(queue);
        let _permit = self
            .0
            .hashing
            .acquire()
            .await
            .expect("the semaphore is never closed");
        drop(queued);
        let ok = self.argon2(user, password).await;
        open.settle(ok);
        if ok {
            return Ok(());
        }
        tracing::warn!(user = %shown_name(user), address, "wrong password");
        Err(AuthError::WrongPassword)
    }

    /// Whether `password` is `user`'s; a user that does not exist takes as long.
    async fn argon2(&self, user: &str, password: &str) -> bool {
        let hash = self.user(user).map(|u| u.hash);
        let given = password.to_string();
        let auth = self.clone();
        tokio::task::spawn_blocking(move || {
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
            && self.user(user).is_some()
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
        let known = lock(&self.0.verified).get(&key).is_some_and(|u| u == user);
        // Credentials argon2 accepted before go through unthrottled: a stranger's wrong passwords
        // must not stop a working script.
        if !known {
            self.basic_once(key, user, password, address).await?;
            let mut v = lock(&self.0.verified);
            if v.len() > 10_000 {
                v.clear();
            }
            v.insert(key, user.to_string());
        }
        self.principal(user, Via::Basic, address)
    }

    /// One check for the same credentials however many requests bring them at once (a script's first
    /// requests arrive together). Those that waited for a check that failed are each counted as a
    /// failure, as if they had been checked, so a burst of one guess is no cheaper than a burst of many.
    async fn basic_once(
        &self,
        key: [u8; 32],
        user: &str,
        password: &str,
        address: &str,
    ) -> Result<(), AuthError> {
        let (waiting, leading) = {
            let mut checks = lock(&self.0.basic_checks);
            match checks.get(&key) {
                Some(rx) => (Some(rx.clone()), None),
                None => {
                    let (tx, rx) = tokio::sync::watch::channel(None);
                    checks.insert(key, rx);
                    (None, Some(tx))
                }
            }
        };
        if let Some(tx) = leading {
            let _leading = Leading { auth: self, key };
            let result = self.check_password(user, password, address, &[]).await;
            let _ = tx.send(Some(result.is_ok()));
            return result;
        }
        let mut rx = waiting.expect("either leading or waiting");
        let judged = rx.wait_for(Option::is_some).await.map(|v| *v);
        match judged {
            Ok(Some(true)) => Ok(()),
            Ok(_) => {
                self.open(self.keys(user, address, &[]))?.settle(false);
                Err(AuthError::WrongPassword)
            }
            // The leader went away before it was judged: check these credentials here.
            Err(_) => self.check_password(user, password, address, &[]).await,
        }
    }

    /// The principal of an API token's `value`, or why not.
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

    /// Signs a user in: a new session, and a new device cookie for this browser. `devices` are the
    /// device cookies the browser sent.
    pub async fn login(
        &self,
        user: &str,
        password: &str,
        address: &str,
        devices: &[&str],
    ) -> Result<(Principal, String), AuthError> {
        self.check_password(user, password, address, devices)
            .await?;
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
        let hash = self.user(user).map(|u| u.hash).unwrap_or_default();
        Ok((principal, device::issue(user, &hash)))
    }

    /// Ends the session whose id is `session`.
    pub fn logout(&self, session: &str) {
        lock(&self.0.sessions).close(session);
    }
}
