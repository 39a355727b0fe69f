//! Asterisk answered and said no: its status and words, and what Conjure makes of them.

use std::fmt;

use model::ObjectType;

use super::Upstream;

/// An error answer from Asterisk's config API.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// Asterisk's HTTP status (kept in the audit and shown as `asterisk_status`).
    pub status: u16,
    /// Asterisk's own words (its `message`), or "Asterisk answered HTTP …" when it gave none.
    pub message: String,
    /// What the refusal means, as far as Conjure can tell.
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
    /// Anything else; Asterisk's words are the message.
    Other,
}

impl Refusal {
    /// Reads Asterisk's error answer `up`; `ari_user` is named when the refusal is about credentials.
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

    /// What to do about it, where Conjure knows: shown under the message, on the panel, in a fan-out's
    /// answer for each server, and on the ARI door.
    pub fn hint(&self, ty: ObjectType) -> Option<String> {
        Some(match self.reason {
            Reason::Credentials => {
                "Check CONJURE_ARI_USER and the ARI password against ari.conf on the Asterisk server.".into()
            }
            Reason::ReadOnlyUser => {
                "Set read_only = no for that user in ari.conf, or give Conjure another user.".into()
            }
            Reason::NoWritableBackend => format!(
                "sorcery.conf has no writable backend for {ty}. Add to sorcery.conf, section [{}]: `{ty} = astdb,dynamic_{ty}` \
                 (kept across restarts) or `{ty} = memory`, then restart Asterisk.",
                sorcery_section(ty)
            ),
            Reason::FieldValidation => "Asterisk refused one of the values but writes the reason only to its own log; check each field, \
                 and look for the option's name in Asterisk's log."
                .into(),
            Reason::AllocationFailed => "Asterisk cannot copy this object to change it. Endpoints with no codecs or with set_var end up like this: \
                 delete the object and create it again."
                .into(),
            Reason::NotFound | Reason::Other => return None,
        })
    }

    /// The fault is Conjure's own configuration, not the request.
    pub fn is_conjures_setup(&self) -> bool {
        matches!(self.reason, Reason::Credentials | Reason::ReadOnlyUser)
    }
}

/// The sorcery.conf section that maps a type (the module that registers it).
pub fn sorcery_section(ty: ObjectType) -> &'static str {
    match ty {
        ObjectType::Identify => "res_pjsip_endpoint_identifier_ip",
        ObjectType::Registration => "res_pjsip_outbound_registration",
        ObjectType::OutboundPublish => "res_pjsip_outbound_publish",
        ObjectType::AsteriskPublication => "res_pjsip_publish_asterisk",
        ObjectType::Phoneprov => "res_pjsip_phoneprov_provider",
        ObjectType::InboundPublication | ObjectType::ResourceList => "res_pjsip_pubsub",
        ObjectType::Acl => "acl",
        _ => "res_pjsip",
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
