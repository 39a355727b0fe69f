//! `GET /ari/endpoints/PJSIP`, read once for every caller: the phone users' online column, drift's list of
//! endpoints Conjure does not manage, and the inventory's. Ten open tabs or a burst of drift checks cost
//! Asterisk one request (single flight), and an answer is reused for a moment ([`KEPT`]); Conjure's own
//! saves and deletes of an endpoint forget it, so an endpoint made a moment ago is always in the list.

use std::sync::Arc;

use serde::Deserialize;

use super::{AriError, Refusal, Upstream};

/// How long a read list is reused for changes made outside Conjure (Conjure's own clear it at once).
pub const KEPT: std::time::Duration = std::time::Duration::from_secs(1);

/// One endpoint as Asterisk lists it (`technology`, `channel_ids` are not used and not kept).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EndpointState {
    /// The endpoint's id.
    pub resource: String,
    /// `online`, `offline` or `unknown`: online while an aor has a reachable contact.
    pub state: String,
}

/// Every PJSIP endpoint Asterisk knows, however it was configured; shared, so cloning is cheap.
pub type Endpoints = Arc<[EndpointState]>;

/// Why there is no list.
#[derive(Debug, thiserror::Error)]
pub enum EndpointsError {
    /// Asterisk could not be asked, or did not answer.
    #[error(transparent)]
    Unanswered(#[from] AriError),
    /// Asterisk answered and refused (401 for wrong credentials, 404 without `res_pjsip`…).
    #[error("{0}")]
    Refused(Refusal),
    /// Asterisk answered 200 with something that is not a list of endpoints.
    #[error(
        "Asterisk answered the list of endpoints with something that is not one; whether phones are online is not known"
    )]
    Garbled,
}

/// The list in Asterisk's 200 answer, or why it is not one.
pub fn parse(body: &[u8]) -> Result<Endpoints, EndpointsError> {
    serde_json::from_slice::<Vec<EndpointState>>(body)
        .map(Into::into)
        .map_err(|_| EndpointsError::Garbled)
}

/// The ids in `list`, sorted.
pub fn ids(list: &[EndpointState]) -> Vec<String> {
    let mut ids: Vec<String> = list.iter().map(|e| e.resource.clone()).collect();
    ids.sort();
    ids
}

pub(super) fn answered(
    up: Result<Upstream, AriError>,
    refusal: impl FnOnce(&Upstream) -> Refusal,
) -> Result<Endpoints, EndpointsError> {
    let up = up?;
    if up.status != 200 {
        return Err(EndpointsError::Refused(refusal(&up)));
    }
    parse(&up.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asterisk_22s_answer_is_read_and_the_rest_ignored() {
        // As recorded from Asterisk 22.10.1 (transcript.jsonl, info/endpoints-pjsip).
        let body = br#"[{"technology": "PJSIP", "resource": "ep-min", "state": "offline", "channel_ids": []},
            {"technology": "PJSIP", "resource": "ep1", "state": "online", "channel_ids": ["c1"]}]"#;
        let list = parse(body).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].resource, "ep1");
        assert_eq!(list[1].state, "online");
        assert_eq!(ids(&list), ["ep-min", "ep1"]);
        assert!(parse(b"[]").unwrap().is_empty());
    }

    #[test]
    fn anything_else_is_garbled_not_an_empty_list() {
        for body in [
            &b"<html>502</html>"[..],
            br#"{"resource": "ep1"}"#,
            br#"[{"state": "online"}]"#,
            br#"[{"resource": 7, "state": "online"}]"#,
            b"",
        ] {
            assert!(
                matches!(parse(body), Err(EndpointsError::Garbled)),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
