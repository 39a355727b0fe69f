//! Secret options: never sent back to a browser, a script or a log line.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use crate::Field;

/// A password, token or CSRF value inside an API type: `Debug` prints `[REDACTED]` (so logging a request
/// or answer cannot show it) and the memory is zeroed on drop (`secrecy`). Unlike `SecretString` it also
/// serialises, because the panel sends these values and the backend shows a new one once.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Sensitive(SecretString);

impl Sensitive {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Sensitive(SecretString::from(value.into()))
    }

    /// The value: call only where it is used, never to format it into a log.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether there is no value.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<String> for Sensitive {
    fn from(s: String) -> Self {
        Sensitive::new(s)
    }
}

impl From<&str> for Sensitive {
    fn from(s: &str) -> Self {
        Sensitive::new(s)
    }
}

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq for Sensitive {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Sensitive {}

impl Serialize for Sensitive {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

/// Options whose values are credentials. Asterisk echoes them in plain text; Conjure does not.
/// Option names are case-insensitive in Asterisk (`PASSWORD` sets `password`), so matching is too.
/// phoneprov's `SECRET` is the SIP password a provisioned phone is given.
pub const SECRET_ATTRIBUTES: &[&str] = &[
    "password",
    "secret",
    "md5_cred",
    "password_digest",
    "oauth_secret",
    "refresh_token",
];

/// Whether the option `attribute` holds a secret (a password, an MD5 credential, a TLS key password).
pub fn is_secret(attribute: &str) -> bool {
    SECRET_ATTRIBUTES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(attribute))
}

/// Splits an object's fields into the ones that may be shown and, for each secret it has, whether it is set.
pub fn redact(fields: Vec<Field>) -> (Vec<Field>, Vec<(String, bool)>) {
    let mut shown = Vec::with_capacity(fields.len());
    let mut secrets = Vec::new();
    for f in fields {
        if is_secret(&f.attribute) {
            secrets.push((f.attribute, !f.value.is_empty()));
        } else {
            shown.push(f);
        }
    }
    (shown, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_values_travel_as_strings_and_never_print() {
        let s = Sensitive::from("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"hunter2\"");
        let back: Sensitive = serde_json::from_str("\"hunter2\"").unwrap();
        assert_eq!(back, s);
        assert_eq!(back.expose(), "hunter2");
        assert!(is_secret("SECRET") && is_secret("Md5_Cred"));
    }

    #[test]
    fn secrets_are_removed_and_reported_as_set_or_not() {
        let (shown, secrets) = redact(vec![
            Field::new("username", "alice"),
            Field::new("password", "supersecret"),
            Field::new("md5_cred", ""),
            Field::new("OAUTH_SECRET", "x"),
        ]);
        assert_eq!(shown, vec![Field::new("username", "alice")]);
        assert_eq!(
            secrets,
            vec![
                ("password".into(), true),
                ("md5_cred".into(), false),
                ("OAUTH_SECRET".into(), true)
            ]
        );
    }
}
