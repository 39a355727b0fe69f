//! Drift: what an Asterisk holds against what Conjure recorded, as `GET /api/drift` reports it and as the
//! panel's drift page reads it, and what may be done about one object.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftState {
    Missing,
    Different,
    /// On Asterisk (`/ari/endpoints/PJSIP`) but not managed by Conjure.
    Unmanaged,
    /// Asterisk did not answer for it (its message in `message`).
    Unknown,
}

/// One attribute that differs. Secret values never appear: a differing secret says `(hidden)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub attribute: String,
    pub recorded: String,
    pub asterisk: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drifted {
    #[serde(rename = "type")]
    pub object_type: String,
    pub id: String,
    pub state: DriftState,
    pub differences: Vec<Difference>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// `GET /api/drift`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftReport {
    pub checked: usize,
    pub in_sync: usize,
    pub items: Vec<Drifted>,
}

/// What to do about a drifted object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Make Asterisk hold Conjure's version again.
    Reapply,
    /// Take Asterisk's version as the desired one (also for an unmanaged endpoint).
    Adopt,
    /// Stop managing it; Asterisk keeps what it has.
    Forget,
}

/// One object a drift action is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftItem {
    #[serde(rename = "type")]
    pub object_type: String,
    pub id: String,
}

/// `POST /api/drift {"action": "reapply" | "adopt" | "forget", "items": [{"type", "id"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftRequest {
    pub action: Action,
    pub items: Vec<DriftItem>,
}

/// Per object: done, or why not. One object's failure does not stop the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftOutcome {
    #[serde(rename = "type")]
    pub object_type: String,
    pub id: String,
    pub ok: bool,
    pub message: String,
}
