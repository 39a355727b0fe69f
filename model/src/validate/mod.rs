//! Validation of option values and whole PUTs, before anything reaches Asterisk. One implementation: the
//! panel runs it as people type, the backend runs it again before forwarding.
//!
//! Asterisk answers a bad value with a bare 400 and writes the reason only to its log; these rules say which
//! field is wrong and why. They implement Asterisk's parsing rules (OPTION-VALUES measurements), not a list of
//! known-good values. Warnings are for values Asterisk accepts but silently changes, drops, or that leave an
//! object that can no longer be updated.

mod object;
mod value;

use serde::{Deserialize, Serialize};

use crate::{Field, ObjectType};

pub use object::check_object;
pub use value::{c_integer, check_value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// How serious a finding is.
pub enum Severity {
    /// Asterisk would refuse the PUT, or it would leave an object Conjure will not create.
    Error,
    /// Asterisk accepts it, but not as written, or with a consequence worth knowing before saving.
    Warning,
}

/// A finding about one field (or, with `index: None`, about the object as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Whether Asterisk would refuse it, or only change it.
    pub severity: Severity,
    /// Position in `fields`, when the finding is about one entry.
    pub index: Option<usize>,
    /// The option it is about, if one.
    pub attribute: Option<String>,
    /// What is wrong, and what Asterisk would do.
    pub message: String,
}

impl Finding {
    /// Whether Asterisk would refuse the object for it.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The outcome of one value: accepted (maybe with a warning) or refused with a reason.
pub type ValueCheck = Result<Option<String>, String>;

/// Checks every field of a PUT, then the object-level rules. `creating` says whether the object is new
/// (then required options must be present); on an update Asterisk merges into what it has.
pub fn check_fields(ty: ObjectType, fields: &[Field], creating: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let finding = |severity, message| Finding {
            severity,
            index: Some(i),
            attribute: Some(f.attribute.clone()),
            message,
        };
        match check_value(ty, &f.attribute, &f.value) {
            Ok(None) => {}
            Ok(Some(w)) => out.push(finding(Severity::Warning, w)),
            Err(e) => out.push(finding(Severity::Error, e)),
        }
    }
    out.extend(check_object(ty, fields, creating));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(a: &str, v: &str) -> Field {
        Field::new(a, v)
    }

    #[test]
    fn warnings_for_values_asterisk_changes_silently() {
        let warn = |ty, a, v| check_value(ty, a, v).unwrap().unwrap_or_default();
        assert!(warn(ObjectType::Endpoint, "direct_media", "maybe").contains("stores it as no"));
        assert!(warn(ObjectType::Endpoint, "tos_audio", "256").contains("stores 0"));
        assert!(warn(ObjectType::Endpoint, "call_group", "1,64").contains("ignores 64"));
        assert!(warn(ObjectType::Endpoint, "set_var", "X=1").contains("cannot be updated"));
        assert!(warn(ObjectType::Endpoint, "callerid", "").contains("unknown"));
        assert!(warn(ObjectType::Endpoint, "dtls_setup", "bogus").contains("does not check"));
        assert_eq!(
            check_value(ObjectType::Endpoint, "direct_media", "yes"),
            Ok(None)
        );
    }

    #[test]
    fn errors_name_the_rule() {
        let err = |ty, a, v| check_value(ty, a, v).unwrap_err();
        assert_eq!(
            err(ObjectType::Aor, "qualify_frequency", "86401"),
            "must be between 0 and 86400"
        );
        assert_eq!(
            err(ObjectType::Endpoint, "rtp_timeout", "-5"),
            "must be a whole number, 0 or more"
        );
        assert_eq!(
            err(ObjectType::Endpoint, "allow", "nosuchcodec"),
            "'nosuchcodec' is not a codec Asterisk knows"
        );
        assert!(err(ObjectType::Endpoint, "t38_udptl_ec", "NONE").contains("lower case"));
        assert!(err(ObjectType::Identify, "match", "999.1.1.1/40").contains("not an IP address"));
        assert_eq!(
            err(ObjectType::Auth, "nosuchoption", "1"),
            "auth has no option 'nosuchoption'"
        );
    }

    #[test]
    fn object_rules() {
        let errs = |ty, fields: &[Field], creating| {
            check_fields(ty, fields, creating)
                .into_iter()
                .filter(|x| x.is_error())
                .count()
        };
        assert_eq!(
            errs(ObjectType::Endpoint, &[f("context", "a")], true),
            1,
            "no codecs"
        );
        assert_eq!(
            errs(ObjectType::Endpoint, &[f("context", "a")], false),
            0,
            "an update keeps the stored codecs"
        );
        assert_eq!(
            errs(
                ObjectType::Endpoint,
                &[f("allow", "alaw"), f("disallow", "all")],
                false
            ),
            1
        );
        assert_eq!(
            errs(
                ObjectType::Endpoint,
                &[f("disallow", "all"), f("allow", "alaw")],
                false
            ),
            0
        );
        assert_eq!(
            errs(ObjectType::Auth, &[f("username", "u")], true),
            1,
            "no password"
        );
        assert_eq!(
            errs(
                ObjectType::Auth,
                &[f("username", "u"), f("password", "p")],
                true
            ),
            0
        );
        assert_eq!(
            errs(ObjectType::Identify, &[f("match", "10.0.0.1")], true),
            1,
            "no endpoint"
        );
    }
}
