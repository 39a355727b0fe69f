//! Conjure's shared model: the only crate both the browser (wasm32) and the backend depend on.
//!
//! Everything here is pure and synchronous, so the same rules run as the user types and again on the
//! server before anything is forwarded to Asterisk.

pub mod account;
pub mod api;
pub mod body;
pub mod catalog;
pub mod codecs;
pub mod config_import;
pub mod drift;
pub mod fleet;
pub mod id;
pub mod new_object;
pub mod object_type;
pub mod provision;
pub mod secret;
pub mod validate;
pub mod watch;

pub use body::{BodyError, Field, PutBody, parse_put_body};
pub use id::{IdError, ObjectId};
pub use object_type::{CONFIG_CLASS, ObjectType, Writability};

/// Asterisk's HTTP server refuses request bodies above this many bytes with 413 (`Request body too large`).
pub const ASTERISK_MAX_BODY: usize = 40_960;
