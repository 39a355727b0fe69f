//! Who is asking and what they may do. Users (argon2 hashes in the store), API tokens (SHA-256 of a
//! random value), browser sessions (memory), sign-in throttling, and the principal every handler checks.
//!
//! What each request needs is kept in memory, so authentication costs a hash-map lookup: users and tokens
//! are loaded at start and updated with the store; a user's Basic credentials are verified with argon2
//! once and then remembered by their SHA-256 until that user changes.

mod accounts;
pub mod device;
mod error;
pub mod password;
mod principal;
pub mod sessions;
pub mod throttle;
mod verify;

pub use error::AuthError;
pub use principal::{Door, Principal, SessionKeys, Via};

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::http::HeaderName;
use model::account::Role;
use sha2::{Digest, Sha256};

use crate::secret::{ExposeSecret, Secret};
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
/// Who may do what: users, tokens, sessions and the throttle of failed sign-ins, over the store. Cheap to clone.
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
    /// Attempts waiting for a hashing slot; past [`MAX_HASHING_QUEUE`] a sign-in is answered "busy".
    hashing_queue: std::sync::atomic::AtomicUsize,
    /// Basic credentials being checked now, by the same key as `verified`: a script's first requests
    /// arrive together, and all of them wait for the one check instead of each being a guess.
    basic_checks: Mutex<HashMap<[u8; 32], tokio::sync::watch::Receiver<Option<bool>>>>,
    clock: crate::clock::SharedClock,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What is stored of a token's value: its SHA-256 in hex (the value has 32 random characters, so no slow hash is needed).
pub fn token_hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The throttle's key for one account tried from one address group.
fn account_key(user: &str, group: &str) -> String {
    format!("u:{group}\0{user}")
}

fn address_key(group: &str) -> String {
    format!("a:{group}")
}

/// One account, from whichever address: bounds a guesser with many addresses.
fn anywhere_key(user: &str) -> String {
    format!("n:{user}")
}

/// One browser that signed in as its user before (its device cookie's nonce).
fn device_key(nonce: &str) -> String {
    format!("d:{nonce}")
}

/// What the throttle counts an address as: an IPv4 address alone, an IPv6 address by its /64, since
/// one customer line gets a whole /64 and could otherwise guess from 2^64 addresses.
pub fn address_group(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
        _ => address.to_string(),
    }
}

/// A user name as the log shows it: at most 64 characters, control characters escaped, so a name sent
/// in a header can neither fill the log nor forge a line of it.
pub fn shown_name(name: &str) -> String {
    let mut shown: String = name.chars().take(64).flat_map(char::escape_debug).collect();
    if name.chars().nth(64).is_some() {
        shown.push('…');
    }
    shown
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
            hashing_queue: Default::default(),
            basic_checks: Mutex::default(),
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

    /// Session lengths, trusted proxies, cookie flags.
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
    fn principal(&self, name: &str, via: Via, address: &str) -> Result<Principal, AuthError> {
        match self.user(name) {
            Some(u) if !u.disabled => Ok(Principal {
                name: name.to_string(),
                role: u.role,
                via,
                address: address.to_string(),
                session: None,
            }),
            Some(_) => Err(AuthError::Disabled(name.to_string())),
            None => Err(AuthError::WrongPassword),
        }
    }
}

/// Sign-ins waiting for argon2 at most; each holds its request's memory while it waits.
pub const MAX_HASHING_QUEUE: usize = 64;

/// API tokens start with this, so a token pasted where a password goes is recognised.
pub const TOKEN_PREFIX: &str = "cj_";
