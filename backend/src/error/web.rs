//! What the HTTP layer itself refuses, before any domain function runs: a body that is not JSON or too
//! large, the ARI door's paths and methods (answered in Asterisk's own words), a full house of long
//! polls, a route that does not exist. The answers are in the table of [`super::answer`], with the
//! domain's.

/// Refused by the HTTP layer.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("Send the request as JSON (Content-Type: application/json).")]
    NotJson,
    #[error("The request is larger than {} KB.", .0 / 1024)]
    TooLarge(usize),
    #[error("The request is not what Conjure expects: {0}")]
    NotExpected(String),
    /// A PUT body past what is read at all (`cap` bytes); Asterisk's own limit is far below.
    #[error(
        "the body is over {cap} bytes; Asterisk accepts at most {}",
        model::ASTERISK_MAX_BODY
    )]
    BodyOverCap { cap: usize },
    /// Sign-in with a password is for Conjure's own page (a portal's proxy signs in its own way).
    #[error("Sign in on Conjure's own page.")]
    SignInHere,
    #[error("no such API route")]
    NoSuchRoute,
    /// `why` names who holds the places.
    #[error("{0}; try again in a moment.")]
    TooManyWaiting(String),
    /// The ARI door: a path ending in `/`; `fixed` is it without.
    #[error("ARI URLs do not end with a slash. Try {fixed}")]
    DoorSlash { fixed: String },
    /// The ARI door: a method Asterisk does not serve there (`Allow` is set by the door).
    #[error("Invalid method")]
    DoorMethod { hint: Option<String> },
    /// The ARI door: a path that is no object of the dynamic configuration.
    #[error("Resource not found")]
    DoorNotFound { hint: String },
    #[error("configClass '{0}' not found")]
    DoorClass(String),
}
