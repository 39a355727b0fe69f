//! Templates: named option sets for each of a user's three objects. Three ship with Conjure; admins edit
//! them and add their own.

use axum::http::StatusCode;
use model::provision::{Template, TemplateFields};
use model::validate::check_fields;
use model::{Field, ObjectType};

use crate::error::AppError;
use crate::store::{Store, StoreError};

pub const DEFAULT: &str = "desk-phone";

fn f(pairs: &[(&str, &str)]) -> Vec<Field> {
    pairs.iter().map(|(a, v)| Field::new(*a, *v)).collect()
}

pub fn builtin() -> Vec<Template> {
    vec![
        Template {
            name: DEFAULT.into(),
            description: "A SIP desk phone or softphone on the office network or behind NAT."
                .into(),
            fields: TemplateFields {
                auth: f(&[("auth_type", "userpass")]),
                aor: f(&[
                    ("max_contacts", "1"),
                    ("remove_existing", "yes"),
                    ("qualify_frequency", "60"),
                ]),
                endpoint: f(&[
                    ("context", "internal"),
                    ("disallow", "all"),
                    ("allow", "g722,ulaw,alaw"),
                    ("direct_media", "no"),
                    ("rtp_symmetric", "yes"),
                    ("force_rport", "yes"),
                    ("rewrite_contact", "yes"),
                    ("dtmf_mode", "rfc4733"),
                ]),
            },
            builtin: true,
        },
        Template {
            name: "webrtc-softphone".into(),
            description: "A browser phone over WebSocket (needs a wss transport in pjsip.conf)."
                .into(),
            fields: TemplateFields {
                auth: f(&[("auth_type", "userpass")]),
                aor: f(&[("max_contacts", "5"), ("remove_existing", "yes")]),
                endpoint: f(&[
                    ("context", "internal"),
                    ("disallow", "all"),
                    ("allow", "opus,ulaw"),
                    ("webrtc", "yes"),
                    ("direct_media", "no"),
                ]),
            },
            builtin: true,
        },
        Template {
            name: "sip-trunk".into(),
            description: "A PBX or gateway that registers here as one user and carries many calls."
                .into(),
            fields: TemplateFields {
                auth: f(&[("auth_type", "userpass")]),
                aor: f(&[("max_contacts", "1"), ("qualify_frequency", "30")]),
                endpoint: f(&[
                    ("context", "from-trunk"),
                    ("disallow", "all"),
                    ("allow", "ulaw,alaw"),
                    ("direct_media", "no"),
                    ("rtp_symmetric", "yes"),
                    ("force_rport", "yes"),
                    ("trust_id_inbound", "yes"),
                ]),
            },
            builtin: true,
        },
    ]
}

/// Adds the built-in templates that are missing (a first start, or a new version with a new one).
pub fn ensure_builtin(store: &Store) -> Result<(), StoreError> {
    store.add_missing_templates_blocking(&builtin())
}

/// Checks a template's name and every option with the catalog; identity options are the user's own.
pub fn check(t: &Template) -> Result<(), AppError> {
    crate::auth::password::check_name(&t.name)
        .map_err(|m| AppError::new(StatusCode::BAD_REQUEST, m))?;
    for (ty, fields) in [
        (ObjectType::Auth, &t.fields.auth),
        (ObjectType::Aor, &t.fields.aor),
        (ObjectType::Endpoint, &t.fields.endpoint),
    ] {
        const PER_USER: [&str; 7] = [
            "username",
            "password",
            "auth",
            "aors",
            "callerid",
            "mailboxes",
            "md5_cred",
        ];
        if let Some(own) = fields
            .iter()
            .find(|f| PER_USER.contains(&f.attribute.as_str()))
        {
            return Err(AppError::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "{ty} option '{}' is set per user, not in a template.",
                    own.attribute
                ),
            ));
        }
        if let Some(bad) = check_fields(ty, fields, false)
            .into_iter()
            .find(|f| f.is_error())
        {
            return Err(AppError::new(
                StatusCode::BAD_REQUEST,
                format!("{ty}: {}", bad.message),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_templates_pass_the_catalog() {
        for t in builtin() {
            check(&t).unwrap_or_else(|e| panic!("{}: {}", t.name, e.body.message));
        }
    }
}
