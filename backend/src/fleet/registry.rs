//! Adding, changing and removing servers. A server is added only once it has proved itself: its URL
//! parses, its CA file loads, its credentials work, its ARI user may write, and sorcery.conf gives at
//! least one type a writable backend (probe.rs). Its password is sealed before it is stored.

use std::sync::Arc;

use model::api::AuditEntry;
use model::fleet::{DEFAULT_SERVER, FleetView, NewServer, ServerAdded, ServerPatch, ServerRemoved};

use super::Server;
use super::error::FleetError;
use super::stored::{client, sealing, server_of};
use crate::supervisor::launch;

use crate::ari::AriClient;
use crate::ari::normalise_base;
use crate::audit::{self, Who};
use crate::domain::Domain;
use crate::secret::ExposeSecret;
use crate::store::{ServerRow, StoreError};

fn check_name(name: &str, bad: fn(String) -> FleetError) -> Result<(), FleetError> {
    let ok = (1..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(bad(name.to_string()))
    }
}

fn check_groups(groups: &[String]) -> Result<Vec<String>, FleetError> {
    let mut out: Vec<String> = Vec::new();
    for g in groups {
        let g = g.trim();
        check_name(g, FleetError::BadGroup)?;
        if !out.iter().any(|o| o == g) {
            out.push(g.to_string());
        }
    }
    Ok(out)
}

fn same_url(st: &Domain, ari: &AriClient, except: &str) -> Result<(), FleetError> {
    match st
        .fleet
        .all()
        .iter()
        .find(|s| &*s.name != except && s.ari.base().eq_ignore_ascii_case(ari.base()))
    {
        Some(s) => Err(FleetError::SameUrl(s.name.to_string())),
        None => Ok(()),
    }
}

async fn log(st: &Domain, who: &Who, action: &str, name: &str, message: String) {
    let entry = AuditEntry {
        status: 200,
        ..audit::event(who, action, "server", name, message)
    };
    if let Err(e) = st.store.log(&entry).await {
        tracing::error!(%e, "a change of the fleet could not be audited");
    }
}

/// How many objects with sealed secrets go to `server` and not to `before` (the same server as it was,
/// if it still is the same host under the same trust): those secrets would go where they have not been.
async fn new_secrets(
    st: &Domain,
    server: &Server,
    before: Option<&Server>,
) -> Result<usize, StoreError> {
    let goes = |s: &Server, ty, id: &str| {
        st.fleet
            .targets
            .get(ty, id)
            .is_none_or(|t| super::target::includes(&t, s))
    };
    Ok(st
        .store
        .with_secrets()
        .await?
        .iter()
        .filter(|(ty, id)| goes(server, *ty, id) && !before.is_some_and(|b| goes(b, *ty, id)))
        .count())
}

/// Refuses, until the person confirms, a change that sends secrets where they have not been; once
/// confirmed, that is audited with the count and the address.
async fn secrets_confirmed(
    st: &Domain,
    who: &Who,
    server: &Server,
    before: Option<&Server>,
    confirmed: bool,
) -> Result<(), FleetError> {
    let count = new_secrets(st, server, before).await?;
    if count == 0 {
        return Ok(());
    }
    let url = server.ari.base().to_string();
    if !confirmed {
        return Err(FleetError::ConfirmSecrets {
            server: server.name.to_string(),
            url,
            count,
        });
    }
    log(
        st,
        who,
        "server-secrets",
        &server.name,
        format!("confirmed: the secrets of {count} objects are sent to {url}"),
    )
    .await;
    Ok(())
}

/// Adds a server after asking it (reachable, credentials, writable types); its password is sealed.
pub async fn add(st: &Domain, new: NewServer, who: &Who) -> Result<ServerAdded, FleetError> {
    let name = new.name.trim().to_string();
    if name == DEFAULT_SERVER {
        return Err(FleetError::Default);
    }
    check_name(&name, FleetError::BadName)?;
    if st.fleet.get(&name).is_some() {
        return Err(FleetError::Exists(name));
    }
    let groups = check_groups(&new.groups)?;
    let ari = client(
        st,
        &new.ari_url,
        &new.ari_user,
        &new.ari_password,
        new.ca_file.as_deref(),
    )?;
    same_url(st, &ari, &name)?;
    let candidate = st
        .fleet
        .server(&name, ari.clone(), None, groups.clone(), true);
    let probe = super::probe::run(&ari).await?;
    secrets_confirmed(st, who, &candidate, None, new.confirm_secrets).await?;
    let row = ServerRow {
        name: name.clone(),
        ari_url: ari.base().to_string(),
        ari_user: new.ari_user.clone(),
        password: st.seal.seal(&sealing(&name), new.ari_password.as_bytes()),
        ca_file: new.ca_file.filter(|f| !f.is_empty()),
        groups,
        enabled: new.enabled,
    };
    if !st.store.add_server(row.clone(), &who.actor).await? {
        return Err(FleetError::Exists(name));
    }
    let server = Arc::new(st.fleet.server(
        &name,
        ari,
        row.ca_file.clone(),
        row.groups.clone(),
        row.enabled,
    ));
    st.fleet.put(server.clone());
    launch(st, &server, true).await;
    log(
        st,
        who,
        "server-add",
        &name,
        format!("added {} (Asterisk {})", row.ari_url, probe.version),
    )
    .await;
    Ok(ServerAdded {
        server: server.view(0, 0, Default::default()),
        probe,
    })
}

/// Changes a server; a new address needs its password given again, so a stored one never follows it.
pub async fn change(
    st: &Domain,
    name: &str,
    patch: ServerPatch,
    who: &Who,
) -> Result<ServerAdded, FleetError> {
    if name == DEFAULT_SERVER {
        return Err(FleetError::Default);
    }
    let row = st
        .store
        .servers()
        .await?
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| FleetError::NoSuchServer(name.to_string()))?;
    let old = server_of(st, &row)?;
    let url = patch.ari_url.clone().unwrap_or_else(|| row.ari_url.clone());
    let user = patch
        .ari_user
        .clone()
        .unwrap_or_else(|| row.ari_user.clone());
    let ca_file = match &patch.ca_file {
        Some(f) if f.is_empty() => None,
        Some(f) => Some(f.clone()),
        None => row.ca_file.clone(),
    };
    let groups = match &patch.groups {
        Some(g) => check_groups(g)?,
        None => row.groups.clone(),
    };
    let moved = normalise_base(&url).map_or(true, |b| !b.eq_ignore_ascii_case(&row.ari_url))
        || ca_file != row.ca_file;
    // The stored password goes only where it went before, to the user it belongs to.
    let password = match &patch.ari_password {
        Some(p) => p.clone(),
        None if moved || user != row.ari_user => {
            return Err(FleetError::PasswordAgain(name.to_string()));
        }
        None => old.ari.target().password.expose_secret().to_string(),
    };
    let ari = client(st, &url, &user, &password, ca_file.as_deref())?;
    same_url(st, &ari, name)?;
    let candidate = st
        .fleet
        .server(name, ari.clone(), ca_file.clone(), groups.clone(), true);
    let probe = super::probe::run(&ari).await?;
    let before = (!moved).then_some(&*old);
    secrets_confirmed(st, who, &candidate, before, patch.confirm_secrets).await?;
    let new = ServerRow {
        name: name.to_string(),
        ari_url: ari.base().to_string(),
        ari_user: user,
        password: st.seal.seal(&sealing(name), password.as_bytes()),
        ca_file,
        groups,
        enabled: patch.enabled.unwrap_or(row.enabled),
    };
    if !st.store.update_server(new.clone()).await? {
        return Err(FleetError::NoSuchServer(name.to_string()));
    }
    let server = server_of(st, &new)?;
    st.fleet.put(server.clone());
    launch(st, &server, true).await;
    let counts = pending_counts(st, name).await?;
    log(
        st,
        who,
        "server-change",
        name,
        format!("changed: {}", changed(&row, &new)),
    )
    .await;
    Ok(ServerAdded {
        server: server.view(counts.0, counts.1, Default::default()),
        probe,
    })
}

/// What a change of a server changed, in words (never the password itself).
fn changed(a: &ServerRow, b: &ServerRow) -> String {
    let mut out = Vec::new();
    if a.ari_url != b.ari_url {
        out.push(format!("ari_url {} -> {}", a.ari_url, b.ari_url));
    }
    if a.ari_user != b.ari_user {
        out.push(format!("ari_user {} -> {}", a.ari_user, b.ari_user));
    }
    if a.ca_file != b.ca_file {
        out.push("ca_file".into());
    }
    if a.groups != b.groups {
        out.push(format!("groups [{}]", b.groups.join(", ")));
    }
    if a.enabled != b.enabled {
        out.push(if b.enabled { "enabled" } else { "disabled" }.into());
    }
    if out.is_empty() {
        "credentials checked again".into()
    } else {
        out.join(", ")
    }
}

/// Removes a server that no object goes to alone; what waited for it is dropped.
pub async fn remove(st: &Domain, name: &str, who: &Who) -> Result<ServerRemoved, FleetError> {
    if name == DEFAULT_SERVER {
        return Err(FleetError::Default);
    }
    // Objects whose target names it (or its groups) and nothing else would go nowhere.
    if let Some(server) = st.fleet.get(name) {
        let others: Vec<Arc<Server>> = st
            .fleet
            .all()
            .iter()
            .filter(|s| s.name != server.name)
            .cloned()
            .collect();
        let stranded = st.fleet.targets.only_on(&server, &others);
        if stranded > 0 {
            return Err(FleetError::StillTargeted(name.to_string(), stranded));
        }
    }
    // Stops its queue first, so nothing is sent to it while its changes are dropped.
    let taken = st.fleet.take(name);
    let (existed, dropped) = st.store.remove_server(name).await?;
    if !existed && taken.is_none() {
        return Err(FleetError::NoSuchServer(name.to_string()));
    }
    let objects_left = st.store.managed_count().await?;
    let message = format!(
        "Conjure no longer keeps '{name}' in step. The {objects_left} objects it managed stay on that Asterisk as they are{}.",
        if dropped > 0 {
            format!(
                "; {dropped} changes that were waiting for it are dropped and will not reach it"
            )
        } else {
            String::new()
        }
    );
    log(st, who, "server-remove", name, message.clone()).await;
    Ok(ServerRemoved {
        name: name.to_string(),
        objects_left,
        pending_dropped: dropped,
        message,
    })
}

async fn pending_counts(st: &Domain, name: &str) -> Result<(usize, usize), StoreError> {
    let (_, counts) = st.store.pending_summary(0).await?;
    Ok(counts.get(name).copied().unwrap_or_default())
}

/// How many managed objects of each type go to `server`.
fn objects_on(
    st: &Domain,
    server: &Server,
    managed: &[(String, u64)],
) -> std::collections::BTreeMap<String, u64> {
    let elsewhere = st.fleet.targets.elsewhere(server);
    managed
        .iter()
        .map(|(ty, n)| {
            let away = model::ObjectType::parse(ty)
                .and_then(|t| elsewhere.get(&t).copied())
                .unwrap_or(0);
            (ty.clone(), n.saturating_sub(away))
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The waiting changes the fleet view lists (the oldest; the counts per server cover all).
const LISTED: usize = 500;

/// Every server with its state, and the oldest changes waiting.
pub async fn view(st: &Domain) -> Result<FleetView, StoreError> {
    // Taken before anything is read: a change while reading moves the fleet past it, so a caller
    // waiting on this seq is answered again (taken after, that change would be missed).
    let seq = st.fleet.seq();
    let (pending, counts) = st.store.pending_summary(LISTED).await?;
    let managed = st.store.counts().await?;
    let servers = st
        .fleet
        .all()
        .iter()
        .map(|s| {
            let (waiting, refused) = counts.get(&*s.name).copied().unwrap_or_default();
            s.view(waiting, refused, objects_on(st, s, &managed))
        })
        .collect();
    let split = st
        .store
        .splits(None)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    Ok(FleetView {
        split,
        seq,
        servers,
        pending_total: counts.values().map(|(w, r)| w + r).sum(),
        pending: pending.into_iter().map(|p| p.change).collect(),
    })
}
