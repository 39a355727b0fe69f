//! A server as the database keeps it, made live: its password opened, its ARI client built with the
//! default server's timeouts and pool size.

use std::path::PathBuf;
use std::sync::Arc;

use super::Server;
use super::error::FleetError;
use crate::ari::{AriClient, AriTarget, normalise_base};
use crate::domain::Domain;
use crate::secret::Secret;
use crate::store::ServerRow;

/// The context a server's sealed ARI password is bound to.
pub(crate) fn sealing(name: &str) -> String {
    format!("server:{name}")
}

/// A client for a server, with the default server's timeouts and pool size.
pub(crate) fn client(
    st: &Domain,
    url: &str,
    user: &str,
    password: &str,
    ca_file: Option<&str>,
) -> Result<AriClient, FleetError> {
    let base = normalise_base(url)
        .map_err(|e| FleetError::BadUrl(e.to_string().replace("--ari-url ", "")))?;
    let limits = st.ari.target();
    let target = AriTarget {
        base,
        user: user.to_string(),
        password: Secret::from(password),
        ca_file: ca_file.filter(|f| !f.is_empty()).map(PathBuf::from),
        ..limits.clone()
    };
    AriClient::new(target).map_err(|e| match e {
        crate::ari::SetupError::CaFile(e) => FleetError::CaFile(e.to_string()),
        crate::ari::SetupError::Url { why, .. } => FleetError::BadUrl(why),
    })
}

/// The server a stored row describes (its password opened).
pub(crate) fn server_of(st: &Domain, row: &ServerRow) -> Result<Arc<Server>, FleetError> {
    let password = st
        .seal
        .open(&sealing(&row.name), &row.password)
        .ok()
        .and_then(|p| String::from_utf8(p).ok())
        .ok_or_else(|| FleetError::Unsealable(row.name.clone()))?;
    let ari = client(
        st,
        &row.ari_url,
        &row.ari_user,
        &password,
        row.ca_file.as_deref(),
    )?;
    Ok(Arc::new(st.fleet.server(
        &row.name,
        ari,
        row.ca_file.clone(),
        row.groups.clone(),
        row.enabled,
    )))
}
