//! Who is asking and what they may do. Users (argon2 hashes in the store), API tokens (SHA-256 of a
//! random value), browser sessions (memory), sign-in throttling, and the principal every handler checks.
//!
//! What each request needs is kept in memory, so authentication costs a hash-map lookup: users and tokens
//! are loaded at start and updated with the store; a user's Basic credentials are verified with argon2
//! once and then remembered by their SHA-256 until that user changes.

pub mod guard;
pub mod password;
pub mod sessions;
pub mod throttle;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::http::{HeaderName, StatusCode};
use model::account::{Role, TokenView, UserView};
use sha2::{Digest, Sha256};

use crate::audit::Who;
use crate::config::{ExposeSecret, Secret};
use crate::error::AppError;
use crate::store::{Store, StoreError};

/// How sessions, cookies and portals behave.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute: Duration,
    /// A header naming the signed-in user, set by a portal's reverse proxy.
    pub trusted_user_header: Option<HeaderName>,
    /// The only peers whose `trusted_user_header` (and `X-Forwarded-Proto`) is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Mark cookies `Secure` always (Conjure behind TLS it cannot see).
    pub secure_cookies: bool,
    /// The cookie's `Path`: the base path.
    pub cookie_path: String,
}

impl Settings {
    /// Whether `peer` (already folded from IPv4-mapped IPv6) is one of the trusted proxies.
    pub fn is_trusted_proxy(&self, peer: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|p| p.to_canonical() == peer)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
            trusted_user_header: None,
            trusted_proxies: Vec::new(),
            secure_cookies: false,
            cookie_path: "/".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
    Basic,
    TrustedHeader,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Session => "session",
            Via::Token => "token",
            Via::Basic => "basic",
            Via::TrustedHeader => "trusted-header",
        }
    }
}

/// The authenticated author of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub name: String,
    pub role: Role,
    pub via: Via,
    pub address: String,
    /// The session, when signed in through the panel.
    pub session: Option<SessionKeys>,
}

/// A panel session's cookie value and the CSRF token its state-changing requests must echo; both are
/// credentials, so `Debug` does not print them.
#[derive(Debug, Clone)]
pub struct SessionKeys {
    pub id: Secret,
    pub csrf: Secret,
}

impl Principal {
    /// How the audit log names this author: a user's name, or `token:<name>`.
    pub fn actor(&self) -> String {
        match self.via {
            Via::Token => format!("token:{}", self.name),
            _ => self.name.clone(),
        }
    }

    pub fn who(&self) -> Who {
        Who {
            actor: self.actor(),
            address: self.address.clone(),
        }
    }

    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role >= role {
            return Ok(());
        }
        let what = match role {
            Role::Admin => "manage users and tokens",
            Role::Operator => "change the phone system's configuration",
            Role::Viewer => "read",
        };
        Err(AppError::new(
            StatusCode::FORBIDDEN,
            format!(
                "You are signed in as {} ({}), and a {} cannot {what}.",
                self.name, self.role, self.role
            ),
        )
        .hint(format!("Ask an administrator for the {role} role.")))
    }
}

#[derive(Clone)]
struct UserRec {
    hash: String,
    role: Role,
    disabled: bool,
}

#[derive(Clone)]
struct TokenRec {
    id: i64,
    name: String,
    role: Role,
}

#[derive(Clone)]
pub struct Auth(Arc<Inner>);

struct Inner {
    store: Store,
    settings: Settings,
    users: RwLock<HashMap<String, UserRec>>,
    /// Live (unrevoked) tokens by the hex SHA-256 of their value.
    tokens: RwLock<HashMap<String, TokenRec>>,
    /// SHA-256 of `user\0password` pairs argon2 accepted, to the user's name.
    verified: Mutex<HashMap<[u8; 32], String>>,
    sessions: Mutex<sessions::Sessions>,
    throttle: Mutex<throttle::Throttle>,
    /// When a token's `last_used` was last written, so a busy script costs one write a minute.
    token_written: Mutex<HashMap<i64, Instant>>,
    /// Verified against when the user does not exist, so the answer takes as long either way.
    /// Made on first need, not at start (it costs an argon2 hash and its 19 MiB).
    dummy_hash: std::sync::OnceLock<String>,
    /// Argon2 takes 19 MB and tens of milliseconds per check by design; a burst of sign-ins waits here
    /// instead of taking all memory and every core.
    hashing: tokio::sync::Semaphore,
    clock: crate::clock::SharedClock,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn token_hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The throttle's key for one account tried from one address.
fn account_key(user: &str, address: &str) -> String {
    format!("u:{address}\0{user}")
}

fn address_key(address: &str) -> String {
    format!("a:{address}")
}

fn wrong_password() -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, "The user name or the password is wrong.")
        .hint("Passwords are case-sensitive. After 5 wrong tries the account waits 30 seconds, then longer.")
}

impl Auth {
    /// Loads users and tokens. With no user yet, creates `admin` with `admin_password`, or with a generated
    /// password that is printed once on standard output (not in the log).
    pub fn start(
        store: &Store,
        admin_password: Option<&Secret>,
        settings: Settings,
    ) -> Result<Auth, StoreError> {
        let (mut users, tokens) = store.accounts_blocking()?;
        if users.is_empty() {
            let (password, generated) = match admin_password {
                Some(p) => (p.expose_secret().to_string(), false),
                None => (password::generate(), true),
            };
            store.add_user_blocking("admin", Role::Admin, &password::hash(&password))?;
            if generated {
                println!(
                    "\n  Conjure created the user 'admin' with the password:\n\n      {password}\n\n  \
                     It is shown this once. Sign in and change it, or set CONJURE_ADMIN_PASSWORD before the first start.\n"
                );
            }
            users = store.accounts_blocking()?.0;
        } else if admin_password.is_some() {
            tracing::info!(
                "CONJURE_ADMIN_PASSWORD is used only when Conjure creates its first user; users exist already"
            );
        }
        let users = users
            .into_iter()
            .map(|u| {
                (
                    u.view.name,
                    UserRec {
                        hash: u.hash,
                        role: u.view.role,
                        disabled: u.view.disabled,
                    },
                )
            })
            .collect();
        let tokens = tokens
            .into_iter()
            .filter(|t| !t.view.revoked)
            .map(|t| {
                (
                    t.hash,
                    TokenRec {
                        id: t.view.id,
                        name: t.view.name,
                        role: t.view.role,
                    },
                )
            })
            .collect();
        Ok(Auth(Arc::new(Inner {
            store: store.clone(),
            settings,
            users: RwLock::new(users),
            tokens: RwLock::new(tokens),
            verified: Mutex::default(),
            sessions: Mutex::default(),
            throttle: Mutex::default(),
            token_written: Mutex::default(),
            dummy_hash: std::sync::OnceLock::new(),
            hashing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            clock: crate::clock::system(),
        })))
    }

    /// The same users and tokens measuring time by `clock` (set before serving).
    pub fn with_clock(self, clock: crate::clock::SharedClock) -> Auth {
        let inner = Arc::try_unwrap(self.0)
            .unwrap_or_else(|_| panic!("the clock is set before the app is served"));
        Auth(Arc::new(Inner { clock, ..inner }))
    }

    fn now(&self) -> Instant {
        self.0.clock.now()
    }

    /// The same users and tokens under other settings (set before serving: sessions are not carried).
    pub fn with_settings(self, settings: Settings) -> Auth {
        let inner = Arc::try_unwrap(self.0)
            .unwrap_or_else(|_| panic!("settings are changed before the app is served"));
        Auth(Arc::new(Inner { settings, ..inner }))
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    fn user(&self, name: &str) -> Option<UserRec> {
        self.0
            .users
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    /// A user's role and whether the account is disabled.
    pub fn standing(&self, name: &str) -> Option<(Role, bool)> {
        self.user(name).map(|u| (u.role, u.disabled))
    }

    fn limits(&self) -> (Duration, Duration) {
        (self.0.settings.idle, self.0.settings.absolute)
    }

    /// An enabled user's principal, or why not.
    fn principal(&self, name: &str, via: Via, address: &str) -> Result<Principal, AppError> {
        match self.user(name) {
            Some(u) if !u.disabled => Ok(Principal {
                name: name.to_string(),
                role: u.role,
                via,
                address: address.to_string(),
                session: None,
            }),
            Some(_) => Err(AppError::new(
                StatusCode::FORBIDDEN,
                format!("The account '{name}' is disabled."),
            )
            .hint("Ask an administrator to enable it.")),
            None => Err(wrong_password()),
        }
    }

    /// Whether sign-ins for `user` from `address` must wait. The account's lock is kept per address, so
    /// wrong passwords typed somewhere else never lock the account's owner out; an address that tries many
    /// accounts is locked as a whole.
    fn throttled(&self, user: &str, address: &str) -> Result<(), AppError> {
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
        Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many wrong passwords for {key}. Wait {} and try again.",
                throttle::human(wait)
            ),
        )
        .hint("If you have forgotten the password, an administrator can reset it.")
        .retry_after(wait))
    }

    /// Checks a user's password with argon2 (off the async threads), throttled.
    async fn check_password(
        &self,
        user: &str,
        password: &str,
        address: &str,
    ) -> Result<(), AppError> {
        self.throttled(user, address)?;
        let _permit = self
            .0
            .hashing
            .acquire()
            .await
            .expect("the semaphore is never closed");
        self.verify(user, password, address).await
    }

    /// Argon2 and the throttle's bookkeeping; the caller holds a hashing permit.
    async fn verify(&self, user: &str, password: &str, address: &str) -> Result<(), AppError> {
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
        Err(wrong_password())
    }

    /// Basic credentials (the ARI door and scripts). A password that is an API token counts as the token.
    pub async fn basic(
        &self,
        user: &str,
        password: &str,
        address: &str,
    ) -> Result<Principal, AppError> {
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
            let _permit = self
                .0
                .hashing
                .acquire()
                .await
                .expect("the semaphore is never closed");
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

    pub fn token(&self, value: &str, address: &str) -> Result<Principal, AppError> {
        let found = self
            .0
            .tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&token_hash(value))
            .cloned();
        let Some(t) = found else {
            return Err(AppError::new(
                StatusCode::UNAUTHORIZED,
                "This API token is unknown or revoked.",
            )
            .hint("An administrator can create a new one on the Tokens page."));
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
    pub fn trusted(&self, user: &str, address: &str) -> Result<Principal, AppError> {
        self.principal(user, Via::TrustedHeader, address)
            .map_err(|e| {
                if e.status == StatusCode::UNAUTHORIZED {
                    AppError::new(
                        StatusCode::FORBIDDEN,
                        format!(
                            "The portal signed you in as '{user}', who has no Conjure account."
                        ),
                    )
                    .hint("An administrator can add a user of that name with the role you need.")
                } else {
                    e
                }
            })
    }

    /// The principal behind a session cookie, and the session's CSRF token.
    pub fn session(&self, id: &str, address: &str) -> Result<Principal, AppError> {
        let (user, csrf) = {
            let mut s = lock(&self.0.sessions);
            match s.touch(id, self.now(), self.limits()) {
                Ok(s) => (s.user.clone(), s.csrf.clone()),
                Err(e) => {
                    let why = match e {
                        sessions::Ended::Idle => {
                            "Your session ended after a time without activity."
                        }
                        sessions::Ended::TooOld => "Your session reached its maximum length.",
                        sessions::Ended::Unknown => "You are not signed in (or Conjure restarted).",
                    };
                    return Err(AppError::new(StatusCode::UNAUTHORIZED, why).hint("Sign in again."));
                }
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
    ) -> Result<Principal, AppError> {
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

    /// Changes the signed-in user's own password; other sessions of that user end.
    pub async fn change_password(
        &self,
        p: &Principal,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        if p.via == Via::Token || p.via == Via::TrustedHeader {
            return Err(AppError::new(
                StatusCode::FORBIDDEN,
                "Only a user signed in with a password can change it.",
            ));
        }
        self.check_password(&p.name, current, &p.address)
            .await
            .map_err(|_| {
                AppError::new(StatusCode::BAD_REQUEST, "The current password is wrong.").field(0)
            })?;
        password::check_new(&p.name, new)
            .map_err(|m| AppError::new(StatusCode::BAD_REQUEST, m).field(1))?;
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
    ) -> Result<(), AppError> {
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

    pub async fn users(&self) -> Result<Vec<UserView>, AppError> {
        Ok(self
            .0
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| u.view)
            .collect())
    }

    async fn user_view(&self, name: &str) -> Result<UserView, AppError> {
        self.0
            .store
            .user(name)
            .await?
            .map(|u| u.view)
            .ok_or_else(|| {
                AppError::new(StatusCode::NOT_FOUND, format!("There is no user '{name}'."))
            })
    }

    /// Adds a user; without a password, generates one and returns it.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        given: Option<String>,
    ) -> Result<(UserView, Option<String>), AppError> {
        password::check_name(name)
            .map_err(|m| AppError::new(StatusCode::BAD_REQUEST, m).field(0))?;
        let generated = given.is_none();
        let pw = given.unwrap_or_else(password::generate);
        password::check_new(name, &pw)
            .map_err(|m| AppError::new(StatusCode::BAD_REQUEST, m).field(2))?;
        let pw2 = pw.clone();
        let hash = tokio::task::spawn_blocking(move || password::hash(&pw2))
            .await
            .expect("hashing does not panic");
        if !self.0.store.add_user(name, role, hash.clone()).await? {
            return Err(AppError::new(
                StatusCode::CONFLICT,
                format!("A user named '{name}' exists already."),
            )
            .field(0));
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
    ) -> Result<(UserView, Option<String>), AppError> {
        let Some(current) = self.user(name) else {
            return Err(AppError::new(
                StatusCode::NOT_FOUND,
                format!("There is no user '{name}'."),
            ));
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
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    format!("'{name}' is the only enabled admin; Conjure needs at least one."),
                )
                .hint("Make another user an admin first."));
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

    pub async fn tokens(&self) -> Result<Vec<TokenView>, AppError> {
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
        by: &str,
    ) -> Result<(TokenView, String), AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(AppError::new(StatusCode::BAD_REQUEST, "Give the token a name of 1 to 80 characters, e.g. the script or portal that will use it.").field(0));
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
    pub async fn revoke_token(&self, id: i64) -> Result<String, AppError> {
        if !self.0.store.revoke_token(id).await? {
            return Err(AppError::new(
                StatusCode::NOT_FOUND,
                format!("There is no token number {id}."),
            ));
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

/// API tokens start with this, so a token pasted where a password goes is recognised.
pub const TOKEN_PREFIX: &str = "cj_";
