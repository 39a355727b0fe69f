//! Templates: named option sets for each of a user's three objects. Three ship with Conjure; admins edit
//! them and add their own.

use model::provision::{Template, TemplateFields};
use model::validate::check_fields;
use model::{Field, ObjectType, secret};

use super::ProvisionError;
use crate::audit::{self, Who};
use crate::store::{Store, StoreError};

/// The template the wizard offers first.
pub const DEFAULT: &str = "desk-phone";

fn f(pairs: &[(&str, &str)]) -> Vec<Field> {
    pairs.iter().map(|(a, v)| Field::new(*a, *v)).collect()
}

/// The templates Conjure ships with.
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

/// A template as it is shown: secrets are refused when saving, and a template stored before that rule
/// still never shows one.
pub fn redacted(mut t: Template) -> Template {
    for fields in [
        &mut t.fields.auth,
        &mut t.fields.aor,
        &mut t.fields.endpoint,
    ] {
        fields.retain(|f| !secret::is_secret(&f.attribute));
    }
    t
}

/// Adds the built-in templates that are missing (a first start, or a new version with a new one).
pub fn ensure_builtin(store: &Store) -> Result<(), StoreError> {
    store.add_missing_templates_blocking(&builtin())
}

/// Options Conjure sets for each user itself. Asterisk reads option names case-insensitively
/// (`CallerID` sets `callerid`), so they are compared that way.
const PER_USER: [&str; 5] = ["username", "auth", "aors", "callerid", "mailboxes"];

/// Checks a template's name and every option: the body rules of the doors, no secret (a template is
/// stored and listed in clear, and would give every user the same password), no per-user option, and
/// the catalog.
pub fn check(t: &Template) -> Result<(), ProvisionError> {
    crate::auth::password::check_name(&t.name).map_err(ProvisionError::BadTemplate)?;
    for (ty, fields) in [
        (ObjectType::Auth, &t.fields.auth),
        (ObjectType::Aor, &t.fields.aor),
        (ObjectType::Endpoint, &t.fields.endpoint),
    ] {
        for (i, f) in fields.iter().enumerate() {
            let at = format!("{ty}, line {} ('{}')", i + 1, f.attribute);
            let refuse = |m: String| Err(ProvisionError::BadTemplate(m));
            if let Err(e) = model::body::check_field(i, &f.attribute, &f.value) {
                return refuse(format!("{at}: {e}"));
            }
            if secret::is_secret(&f.attribute) {
                return refuse(format!(
                    "{at}: '{}' is a secret and cannot be part of a template; Conjure sets each user's own.",
                    f.attribute
                ));
            }
            if PER_USER
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&f.attribute))
            {
                return refuse(format!(
                    "{at}: '{}' is set per user, not in a template.",
                    f.attribute
                ));
            }
        }
        if let Some(bad) = check_fields(ty, fields, false)
            .into_iter()
            .find(|f| f.is_error())
        {
            return Err(ProvisionError::BadTemplate(format!(
                "{ty}: {}",
                bad.message
            )));
        }
    }
    Ok(())
}

/// Every template, with nothing an admin would not want a clerk's screen to show.
pub async fn all(store: &Store) -> Result<Vec<Template>, StoreError> {
    Ok(store.templates().await?.into_iter().map(redacted).collect())
}

/// Saves `t` under `name` (a new template, or a change of one, built in or not) once [`check`] passes;
/// recorded in the audit log with every option it sets.
pub async fn save(
    store: &Store,
    name: String,
    mut t: Template,
    who: &Who,
) -> Result<Template, ProvisionError> {
    t.name = name;
    check(&t)?;
    t.builtin = builtin().iter().any(|b| b.name == t.name);
    store.save_template(&t).await?;
    tracing::info!(template = %t.name, by = %who.actor, "template saved");
    let mut e = audit::event(
        who,
        "save",
        "template",
        &t.name,
        format!("{} saved the template {}", who.actor, t.name),
    );
    for (ty, fields) in [
        ("auth", &t.fields.auth),
        ("aor", &t.fields.aor),
        ("endpoint", &t.fields.endpoint),
    ] {
        let lines: Vec<String> = fields
            .iter()
            .map(|f| format!("{} = {}", f.attribute, f.value))
            .collect();
        e.changes.push(audit::change(ty, "", lines.join("; ")));
    }
    audit::record(store, e).await;
    Ok(t)
}

/// Deletes a template of an admin's own that no phone user was made from.
pub async fn delete(store: &Store, name: &str, who: &Who) -> Result<(), ProvisionError> {
    let users = store.template_in_use(name).await?;
    if users > 0 {
        return Err(ProvisionError::TemplateInUse {
            name: name.to_string(),
            users,
        });
    }
    if !store.delete_template(name).await? {
        return Err(ProvisionError::TemplateNotDeletable(name.to_string()));
    }
    let msg = format!("{} deleted the template {name}", who.actor);
    audit::record(store, audit::event(who, "delete", "template", name, msg)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_per_user_options_are_refused_whatever_their_case() {
        let with = |ty: &str, attribute: &str, value: &str| {
            let mut t = builtin().remove(0);
            let fields = match ty {
                "auth" => &mut t.fields.auth,
                _ => &mut t.fields.endpoint,
            };
            fields.push(Field::new(attribute, value));
            check(&t).map_err(|e| e.to_string())
        };
        for secret in [
            "PASSWORD",
            "Md5_Cred",
            "oauth_secret",
            "refresh_token",
            "password_digest",
            "SECRET",
        ] {
            let m = with("auth", secret, "hunter2").unwrap_err();
            assert!(
                m.contains("auth, line 2") && m.contains("is a secret"),
                "{m}"
            );
        }
        let m = with("endpoint", "CallerID", "\"x\" <1>").unwrap_err();
        assert!(
            m.contains("endpoint, line 9") && m.contains("per user"),
            "{m}"
        );
        let m = with("endpoint", "context", "in\0ternal").unwrap_err();
        assert!(m.contains("control character"), "{m}");
        let mut stored = builtin().remove(0);
        stored.fields.auth.push(Field::new("Password", "hunter2"));
        assert!(!format!("{:?}", redacted(stored)).contains("hunter2"));
    }

    #[test]
    fn the_builtin_templates_pass_the_catalog() {
        for t in builtin() {
            check(&t).unwrap_or_else(|e| panic!("{}: {e}", t.name));
        }
    }
}
