//! Asterisk answered and said no: its status and words, and what Conjure makes of them.

use std::fmt;

use super::Upstream;

/// An error answer from Asterisk's config API.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// Asterisk's HTTP status (kept in the audit and shown as `asterisk_status`).
    pub status: u16,
    /// Asterisk's own words (its `message`), or "Asterisk answered HTTP …" when it gave none.
    pub message: String,
    pub reason: Reason,
    /// The ARI user Conjure signed in as, for the messages about Conjure's own credentials.
    pub ari_user: String,
}

/// What an error answer means, read once from Asterisk's status and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// 401: Conjure's ARI credentials are wrong.
    Credentials,
    /// 403 "Write access denied": Conjure's ARI user is `read_only`.
    ReadOnlyUser,
    /// 403 "Cannot create sorcery objects…": sorcery.conf maps the type to no writable backend.
    NoWritableBackend,
    /// 400 "… failed field value validation": the reason is only in Asterisk's log.
    FieldValidation,
    /// 500 "Allocation failed": Asterisk cannot copy the object (no codecs, set_var).
    AllocationFailed,
    /// 404: no such object.
    NotFound,
    Other,
}

impl Refusal {
    pub fn new(up: &Upstream, ari_user: &str) -> Self {
        let json: serde_json::Value = serde_json::from_slice(&up.body).unwrap_or_default();
        let message = json["message"]
            .as_str()
            .or(json["error"].as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("Asterisk answered HTTP {}", up.status));
        let reason = match (up.status, message.as_str()) {
            (401, _) => Reason::Credentials,
            (403, "Write access denied") => Reason::ReadOnlyUser,
            (403, m) if m.starts_with("Cannot create sorcery objects") => Reason::NoWritableBackend,
            (400, m) if m.ends_with("failed field value validation") => Reason::FieldValidation,
            (500, "Allocation failed") => Reason::AllocationFailed,
            (404, _) => Reason::NotFound,
            _ => Reason::Other,
        };
        Refusal {
            status: up.status,
            message,
            reason,
            ari_user: ari_user.to_string(),
        }
    }

    /// The fault is Conjure's own configuration, not the request.
    pub fn is_conjures_setup(&self) -> bool {
        matches!(self.reason, Reason::Credentials | Reason::ReadOnlyUser)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::Credentials => write!(
                f,
                "Asterisk refused Conjure's ARI credentials (user '{}')",
                self.ari_user
            ),
            Reason::ReadOnlyUser => {
                write!(f, "Conjure's ARI user '{}' is read-only", self.ari_user)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(status: u16, body: &str) -> Refusal {
        let up = Upstream {
            status,
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
        };
        Refusal::new(&up, "conjure")
    }

    #[test]
    fn reads_the_reason_from_status_and_words() {
        assert_eq!(refusal(401, "").reason, Reason::Credentials);
        assert_eq!(
            refusal(403, r#"{"message":"Write access denied"}"#).reason,
            Reason::ReadOnlyUser
        );
        assert_eq!(
            refusal(
                403,
                r#"{"message":"Cannot create sorcery objects of type 'aor'"}"#
            )
            .reason,
            Reason::NoWritableBackend
        );
        assert_eq!(
            refusal(
                400,
                r#"{"message":"Field 'x' failed field value validation"}"#
            )
            .reason,
            Reason::FieldValidation
        );
        assert_eq!(
            refusal(500, r#"{"message":"Allocation failed"}"#).reason,
            Reason::AllocationFailed
        );
        assert_eq!(
            refusal(404, r#"{"message":"Object not found"}"#).reason,
            Reason::NotFound
        );
        assert_eq!(refusal(409, r#"{"error":"odd"}"#).message, "odd");
    }

    #[test]
    fn speaks_of_conjures_own_credentials_in_its_words() {
        let r = refusal(401, r#"{"message":"Authentication required"}"#);
        assert_eq!(
            r.to_string(),
            "Asterisk refused Conjure's ARI credentials (user 'conjure')"
        );
        assert!(r.is_conjures_setup());
        assert_eq!(
            refusal(502, "garbage").to_string(),
            "Asterisk answered HTTP 502"
        );
    }
}
