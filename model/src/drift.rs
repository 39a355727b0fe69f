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
