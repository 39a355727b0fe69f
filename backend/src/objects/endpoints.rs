//! What the panel shows of Asterisk's endpoint list, read once for all ([`crate::ari::endpoints`]).

use std::collections::BTreeMap;

use model::ObjectType;

use super::ObjectError;
use crate::domain::Domain;

/// Each endpoint's state as the default server reports it (`{"2041": "online"}`). Asterisk says
/// `online` while an aor of the endpoint has a reachable contact: a registered phone, or a permanent
/// contact it qualified.
pub async fn endpoint_states(st: &Domain) -> Result<BTreeMap<String, String>, ObjectError> {
    let list = st.ari.pjsip_endpoints().await?;
    Ok(list
        .iter()
        .map(|e| (e.resource.clone(), e.state.clone()))
        .collect())
}

/// The endpoints the default server has that Conjure's inventory does not (made by hand, by a
/// `pjsip.conf`, by another tool), sorted, from a list read after this call (drift's check, the
/// inventory page a person just opened) and shared with whoever asks meanwhile.
pub async fn unmanaged_endpoints(st: &Domain) -> Result<Vec<String>, ObjectError> {
    let list = st.ari.pjsip_endpoints_now().await?;
    let ids = crate::ari::endpoints::ids(&list);
    let known = st.store.known(ObjectType::Endpoint, ids.clone()).await?;
    Ok(ids.into_iter().filter(|id| !known.contains(id)).collect())
}
