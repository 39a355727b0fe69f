//! What can go wrong signing in, being allowed, and administering accounts. The words are for the person
//! who sees them; the HTTP status, hint and `Retry-After` are chosen in one place, `crate::error::answer`.

use std::time::Duration;

use model::account::Role;

use super::Door;
use super::sessions::Ended;
use super::throttle;
use crate::store::StoreError;

/// Why a request cannot be let in, or an account change cannot be made.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("The user name or the password is wrong.")]
    WrongPassword,
    #[error("Too many wrong passwords for {scope}. Wait {} and try again.", throttle::human(*.wait))]
    Throttled { scope: &'static str, wait: Duration },
    /// More sign-ins wait for a password check than Conjure keeps waiting.
    #[error("Conjure is checking many sign-ins at once. Try again in a moment.")]
    Busy,
    #[error("The account '{0}' is disabled.")]
    Disabled(String),
    #[error("This API token is unknown or revoked.")]
    UnknownToken,
    #[error("The portal signed you in as '{0}', who has no Conjure account.")]
    NoAccount(String),
    #[error("{}", ended(*.0))]
    SessionEnded(Ended),
    #[error("{}", match .0 { Door::Ari => "Authentication required", Door::Panel => "You are not signed in." })]
    NotSignedIn(Door),
    #[error("The Authorization header is neither 'Basic user:password' nor 'Bearer <token>'.")]
    MalformedAuthorization,
    #[error("The browser sent two Conjure session cookies, so neither was used.")]
    TwoSessionCookies,
    #[error("The portal sent the header {0} more than once, so Conjure cannot tell who you are.")]
    HeaderTwice(String),
    /// A state-changing request without the panel's own proof (CSRF token, or `Sec-Fetch-Site`).
    #[error("This change did not come from Conjure's own page, so it was refused.")]
    CrossSite,
    #[error("You are signed in as {name} ({has}), and a {has} cannot {}.", allowed_to(*.need))]
    Forbidden { name: String, has: Role, need: Role },
    #[error("Only a user signed in with a password can change it.")]
    PasswordNotHere,
    #[error("The current password is wrong.")]
    WrongCurrentPassword,
    /// A value typed into a form; `field` is its position.
    #[error("{message}")]
    Invalid { field: usize, message: String },
    #[error("There is no user '{0}'.")]
    NoSuchUser(String),
    #[error("A user named '{0}' exists already.")]
    UserExists(String),
    #[error("'{0}' is the only enabled admin; Conjure needs at least one.")]
    LastAdmin(String),
    #[error("A token named '{0}' exists already; revoke it or choose another name.")]
    TokenExists(String),
    #[error("There is no token number {0}.")]
    NoSuchToken(i64),
    /// The message never shows the database's own words (they go to the log).
    #[error("Conjure could not read or write its own database.")]
    Store(#[from] StoreError),
}

fn ended(e: Ended) -> &'static str {
    match e {
        Ended::Idle => "Your session ended after a time without activity.",
        Ended::TooOld => "Your session reached its maximum length.",
        Ended::Unknown => "You are not signed in (or Conjure restarted).",
    }
}

fn allowed_to(role: Role) -> &'static str {
    match role {
        Role::Admin => "manage users and tokens",
        Role::Operator => "change the phone system's configuration",
        Role::Provisioner => "make and change phone users",
        Role::Viewer => "read",
    }
}
