//! Phone users for people who should not need to know SIP: one user is an auth, an aor and an endpoint of
//! the same id, created in that order and removed in the reverse order, never left half made.

mod error;
pub mod import;
pub mod imports;
pub mod listing;
pub mod running;
pub mod templates;

pub use error::ProvisionError;
pub use model::provision::rules;

use model::provision::{NewPhoneUser, PhoneSetup, PhoneUser, Template};
use model::{Field, ObjectId, ObjectType, PutBody};

use crate::audit::Who;
use crate::auth::password;
use crate::domain::Domain;
use crate::objects::{self, ObjectError};

const ORDER: [(ObjectType, &str); 3] = [
    (ObjectType::Auth, "auth"),
    (ObjectType::Aor, "aor"),
    (ObjectType::Endpoint, "endpoint"),
];

fn id(ext: &str) -> ObjectId {
    ObjectId::new(ext.to_string()).expect("extensions are checked first")
}

/// Which of a user's three objects an Asterisk it would go to already has, if any: on every server of
/// `target`, not only the first that answers, or a clerk would overwrite another site's phone.
pub async fn taken(
    st: &Domain,
    ext: &str,
    target: Option<&[String]>,
) -> Result<Option<String>, ProvisionError> {
    for (ty, label) in ORDER.iter().rev() {
        if let Some(server) = objects::exists_on_any(st, *ty, &id(ext), target).await? {
            let on = if server.is_empty() {
                String::new()
            } else {
                format!(" on the server {server}")
            };
            return Ok(Some(format!(
                "Asterisk{on} already has an {label} named {ext}."
            )));
        }
    }
    Ok(None)
}

/// A user's template, or the default one.
async fn template(st: &Domain, name: &str) -> Result<Template, ProvisionError> {
    pick(st.store.templates().await?, name)
}

/// `name`'s template out of `all`, or the default one for an empty name.
fn pick(all: Vec<Template>, name: &str) -> Result<Template, ProvisionError> {
    let wanted = if name.is_empty() {
        templates::DEFAULT
    } else {
        name
    };
    all.into_iter()
        .find(|t| t.name == wanted)
        .ok_or_else(|| ProvisionError::NoTemplate(wanted.to_string()))
}

/// Creates a user: auth, then aor, then endpoint. If a step fails, what was made is removed again and the
/// error says which step failed and why.
pub async fn create(
    st: &Domain,
    new: &NewPhoneUser,
    who: &Who,
    target: Option<&[String]>,
) -> Result<PhoneSetup, ProvisionError> {
    if let Some(t) = target {
        st.fleet.check_target(t).map_err(ObjectError::from)?;
    }
    let all = st.store.templates().await?;
    let names: Vec<String> = all.iter().map(|t| t.name.clone()).collect();
    if let Some((col, msg)) = rules::check(new, &names).into_iter().next() {
        return Err(ProvisionError::Invalid {
            field: col,
            message: msg,
        });
    }
    let t = pick(all, &new.template)?;
    if let Some(why) = taken(st, &new.extension, target).await? {
        return Err(ProvisionError::Taken(why));
    }
    create_checked(st, new, &t, who, target).await
}

/// [`create`] once the row is known to be valid and free (the import checks many rows at once).
pub async fn create_checked(
    st: &Domain,
    new: &NewPhoneUser,
    t: &Template,
    who: &Who,
    target: Option<&[String]>,
) -> Result<PhoneSetup, ProvisionError> {
    let generated = new.password.is_empty();
    let pw = if generated {
        password::generate()
    } else {
        new.password.expose().to_string()
    };
    let user = PhoneUser {
        extension: new.extension.clone(),
        name: new.name.trim().to_string(),
        template: t.name.clone(),
        voicemail: rules::voicemail(&new.extension, &new.voicemail).unwrap_or_default(),
        created_at: String::new(),
        created_by: who.actor.clone(),
    };
    if !st.store.begin_phone_user(&user).await? {
        return Err(ProvisionError::Exists(new.extension.clone()));
    }
    let bodies = rules::objects(new, &pw, &t.fields);
    let ext = id(&new.extension);
    for (step, ((ty, label), fields)) in ORDER.iter().zip(bodies).enumerate() {
        let body = PutBody {
            fields: Some(fields),
        };
        if let Err(failed) = objects::write_to(st, *ty, &ext, &body, who, target).await {
            let undo = undo(st, &new.extension, step, who).await;
            return Err(ProvisionError::Step {
                step,
                label,
                ext: new.extension.clone(),
                undo,
                failed: Box::new(failed),
            });
        }
    }
    st.store.finish_phone_user(&new.extension).await?;
    Ok(setup(
        st,
        user,
        generated.then_some(pw.into()),
        &t.fields.endpoint,
    ))
}

/// Removes the first `made` objects (in reverse) and the claim on the extension; says how that went.
async fn undo(st: &Domain, ext: &str, made: usize, who: &Who) -> String {
    let mut left = Vec::new();
    for (ty, label) in ORDER[..made].iter().rev() {
        if let Err(e) = objects::delete_if_present(st, *ty, &id(ext), who).await {
            left.push(format!("the {label} {ext} ({e})"));
        }
    }
    if left.is_empty() {
        let _ = st.store.forget_phone_user(ext).await;
        if made == 0 {
            "Nothing was created.".into()
        } else {
            "What was created before it was removed again.".into()
        }
    } else {
        tracing::error!(ext, ?left, "a phone user could not be rolled back");
        format!(
            "Removing what was created failed too; delete {} in the object browser.",
            left.join(" and ")
        )
    }
}

/// What the phone needs: where to register (`--sip-server`, never guessed: the ARI URL's host is how
/// Conjure reaches Asterisk, often `127.0.0.1`, not how phones do) and over what.
fn setup(
    st: &Domain,
    user: PhoneUser,
    password: Option<model::secret::Sensitive>,
    endpoint: &[Field],
) -> PhoneSetup {
    PhoneSetup {
        username: user.extension.clone(),
        user,
        password,
        server: st.sip_server.as_deref().map(str::to_string),
        transport: transport(st.sip_server.as_deref(), endpoint),
    }
}

/// `UDP, port 5060`: the protocol from the template's endpoint (`webrtc`, or a `transport` whose name
/// says tls/tcp/ws), the port from `--sip-server` or the protocol's usual one. A WebRTC phone talks to
/// Asterisk's HTTPS server, not to the SIP port, so `--sip-server`'s port is not its port.
pub fn transport(sip_server: Option<&str>, endpoint: &[Field]) -> String {
    let option = |name: &str| {
        endpoint
            .iter()
            .rev()
            .find(|f| f.attribute.eq_ignore_ascii_case(name))
            .map(|f| f.value.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let named = option("transport");
    let (proto, usual) = if option("webrtc") == "yes" || named.contains("ws") {
        ("WSS (WebRTC)", 8089)
    } else if named.contains("tls") {
        ("TLS", 5061)
    } else if named.contains("tcp") {
        ("TCP", 5060)
    } else {
        ("UDP", 5060)
    };
    let port = sip_server
        .filter(|_| usual != 8089)
        .and_then(|s| s.rsplit_once(':'))
        .filter(|(h, _)| !h.ends_with(':'))
        .and_then(|(_, p)| p.parse::<u16>().ok())
        .unwrap_or(usual);
    format!("{proto}, port {port}")
}

/// Deletes a user: endpoint, then aor, then auth. An object already gone counts as deleted.
pub async fn delete(st: &Domain, ext: &str, who: &Who) -> Result<(), ProvisionError> {
    if st.store.phone_user(ext).await?.is_none() {
        return Err(ProvisionError::NoSuchUser(ext.to_string()));
    }
    for (ty, label) in ORDER.iter().rev() {
        match objects::delete_if_present(st, *ty, &id(ext), who).await {
            Ok(_) => {}
            Err(failed) => {
                return Err(ProvisionError::DeleteStep {
                    label,
                    ext: ext.to_string(),
                    failed: Box::new(failed),
                });
            }
        }
    }
    st.store.forget_phone_user(ext).await?;
    Ok(())
}

/// Changes the name (caller ID) or the template, or resets the password (returned once).
pub async fn change(
    st: &Domain,
    ext: &str,
    c: &model::provision::PhoneUserChange,
    who: &Who,
) -> Result<PhoneSetup, ProvisionError> {
    let Some(mut user) = st.store.phone_user(ext).await? else {
        return Err(ProvisionError::NoSuchUser(ext.to_string()));
    };
    if let Some(n) = &c.name {
        rules::name(n).map_err(|message| ProvisionError::Invalid { field: 1, message })?;
        user.name = n.trim().to_string();
    }
    let t = template(st, c.template.as_deref().unwrap_or(&user.template)).await?;
    let mut endpoint = Vec::new();
    let mut aor = Vec::new();
    if c.template.as_ref().is_some_and(|n| *n != user.template) {
        endpoint = t.fields.endpoint.clone();
        aor = t.fields.aor.clone();
        user.template = t.name.clone();
    }
    if c.name.is_some() || !endpoint.is_empty() {
        endpoint.push(Field::new("callerid", format!("\"{}\" <{ext}>", user.name)));
        objects::write(
            st,
            ObjectType::Endpoint,
            &id(ext),
            &PutBody {
                fields: Some(endpoint),
            },
            who,
        )
        .await?;
    }
    if !aor.is_empty() {
        objects::write(
            st,
            ObjectType::Aor,
            &id(ext),
            &PutBody { fields: Some(aor) },
            who,
        )
        .await?;
    }
    let password = if c.reset_password {
        let pw = password::generate();
        let fields = vec![Field::new("password", pw.clone())];
        objects::write(
            st,
            ObjectType::Auth,
            &id(ext),
            &PutBody {
                fields: Some(fields),
            },
            who,
        )
        .await?;
        Some(pw.into())
    } else {
        None
    };
    st.store
        .update_phone_user(ext, &user.name, &user.template)
        .await?;
    Ok(setup(st, user, password, &t.fields.endpoint))
}

/// At start: users a crash left half made lose what they had, so no auth outlives its endpoint.
pub async fn recover(st: &Domain) {
    let who = Who {
        actor: "conjure (recovery)".into(),
        address: String::new(),
    };
    let Ok(unfinished) = st.store.unfinished_phone_users().await else {
        return;
    };
    for ext in unfinished {
        let note = undo(st, &ext, 3, &who).await;
        tracing::warn!(ext, note, "removed a phone user left half made by a crash");
    }
}

pub mod jobs;
