//! The phone users as people read them: a page of the list (with each user's place in the fleet when
//! there are several servers), the export in the import's columns, and a sample file to fill in.

use model::ObjectType;
use model::provision::{PHONE_USERS_PER_PAGE, PhoneUserPage, PhoneUserSort};

use super::ProvisionError;
use crate::audit::{self, Who};
use crate::domain::Domain;

/// Page `page` (from 1; 0 is taken as 1) of the users matching `search`, sorted.
pub async fn page(
    st: &Domain,
    search: &str,
    sort: (PhoneUserSort, bool),
    page: u32,
) -> Result<serde_json::Value, ProvisionError> {
    let (total, items) = st
        .store
        .phone_users(
            search,
            sort,
            PHONE_USERS_PER_PAGE,
            page.saturating_sub(1).saturating_mul(PHONE_USERS_PER_PAGE),
        )
        .await?;
    let mut page = serde_json::to_value(PhoneUserPage { total, items }).expect("serialises");
    // With several servers, each user's place in the fleet (the panel's own list ignores it).
    if st.fleet.all().len() > 1
        && let Some(items) = page["items"].as_array_mut()
    {
        let exts: Vec<String> = items
            .iter()
            .filter_map(|u| u["extension"].as_str().map(str::to_string))
            .collect();
        let waiting = st.store.pending_for(exts).await?;
        for u in items {
            let ext = u["extension"].as_str().unwrap_or_default().to_string();
            u["servers"] = fleet_state(st, &ext, &waiting).into();
        }
    }
    Ok(page)
}

/// Where a phone user's objects are, as far as Conjure knows: on the servers its target names, less
/// those that still wait for a change of it or refused one.
fn fleet_state(st: &Domain, ext: &str, waiting: &[(String, String, bool)]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut servers: Vec<&str> = waiting
        .iter()
        .filter(|(id, _, _)| id == ext)
        .map(|(_, s, _)| s.as_str())
        .collect();
    servers.dedup();
    for s in servers {
        let refused = waiting
            .iter()
            .any(|(id, srv, r)| id == ext && srv == s && *r);
        out.push(if refused {
            format!("refused on {s}")
        } else {
            format!("waiting on {s}")
        });
    }
    if out.is_empty() {
        let target = st.fleet.targets.get(ObjectType::Endpoint, ext);
        return match target {
            None => "on every server".into(),
            Some(t) => format!("on {}", crate::objects::describe(Some(&t))),
        };
    }
    out.join("; ")
}

/// A file in the import's columns to fill in, with the default template's name and the next free
/// extensions, so that what a person downloads imports as it is.
pub async fn sample(st: &Domain) -> Result<Vec<u8>, ProvisionError> {
    let template = st
        .store
        .template_names()
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let first: u64 = st
        .store
        .next_extension()
        .await?
        .and_then(|e| e.parse().ok())
        .unwrap_or(2001);
    let rows = [
        [
            first.to_string(),
            "Anna Berg".into(),
            String::new(),
            template.clone(),
            String::new(),
        ],
        [
            (first + 1).to_string(),
            "Ben Okafor".into(),
            String::new(),
            template,
            format!("{}@default", first + 1),
        ],
    ];
    let header = ["extension", "name", "password", "template", "voicemail"];
    Ok(crate::spreadsheet::table(&header, rows))
}

/// Every phone user as CSV, in the import's columns. With `passwords` (the caller checked that an
/// admin asked), each auth's password is read from Asterisk, since Conjure does not keep them; the
/// audit entry is written first: no entry, no passwords.
pub async fn export(st: &Domain, passwords: bool, who: &Who) -> Result<Vec<u8>, ProvisionError> {
    let (_, users) = st
        .store
        .phone_users("", Default::default(), u32::MAX, 0)
        .await?;
    if passwords {
        tracing::warn!(by = %who.actor, "phone users exported with their passwords");
        let msg = format!(
            "{} exported {} phone users with their passwords",
            who.actor,
            users.len()
        );
        st.store
            .log(&audit::event(
                who,
                "export",
                "phone-users",
                "passwords",
                msg,
            ))
            .await?;
    }
    let mut head = vec!["extension", "name", "template", "voicemail"];
    if passwords {
        head.push("password");
    }
    let mut rows = Vec::with_capacity(users.len());
    for u in users {
        let mut row = vec![u.extension.clone(), u.name, u.template, u.voicemail];
        if passwords {
            let id = model::ObjectId::new(u.extension).expect("stored extensions are valid ids");
            let fields = crate::objects::read(st, ObjectType::Auth, &id).await?;
            row.push(
                fields
                    .into_iter()
                    .find(|f| f.attribute == "password")
                    .map(|f| f.value)
                    .unwrap_or_default(),
            );
        }
        rows.push(row);
    }
    Ok(crate::spreadsheet::table(&head, rows))
}

/// The user of extension `ext`.
pub async fn one(st: &Domain, ext: &str) -> Result<model::provision::PhoneUser, ProvisionError> {
    st.store
        .phone_user(ext)
        .await?
        .ok_or_else(|| ProvisionError::NoSuchUser(ext.to_string()))
}
