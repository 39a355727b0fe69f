//! Secrets held in memory: the ARI passwords and the admin's first password, never printed by `Debug`.

/// A secret string (`secrecy`): `Debug` prints `[REDACTED]`, and reading it takes `expose_secret()`.
pub use secrecy::{ExposeSecret, SecretString as Secret};
