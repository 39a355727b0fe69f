//! Drift: what an Asterisk holds against what Conjure recorded, as `GET /api/drift` reports it and as the
//! panel's drift page reads it, and what may be done about one object.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// How an object on Asterisk differs from Conjure's record of it.
pub enum DriftState {
    /// Conjure records it; Asterisk does not have it.
    Missing,
    /// Both have it, with other values.
    Different,
    /// On Asterisk (`/ari/endpoints/PJSIP`) but not managed by Conjure.
    Unmanaged,
    /// Asterisk did not answer for it (its message in `message`).
    Unknown,
}

/// One attribute that differs. Secret values never appear: a differing secret says `(hidden)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// The option.
    pub attribute: String,
    /// Its value in Conjure's record (`(hidden)` for a secret).
    pub recorded: String,
    /// Its value on Asterisk (`(hidden, …)` for a secret).
    pub asterisk: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// One object that is not as Conjure recorded it.
pub struct Drifted {
    #[serde(rename = "type")]
    /// The object's type.
    pub object_type: String,
    /// The object's id.
    pub id: String,
    /// How it differs.
    pub state: DriftState,
    /// Option by option, for [`DriftState::Different`].
    pub differences: Vec<Difference>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    /// Why its state is not known, for [`DriftState::Unknown`].
    pub message: String,
}

/// `GET /api/drift`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftReport {
    /// Managed objects compared.
    pub checked: usize,
    /// Of those, the ones as recorded.
    pub in_sync: usize,
    /// Every object that is not, and the endpoints Conjure does not manage.
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
    /// The object's type.
    pub object_type: String,
    /// The object's id.
    pub id: String,
}

/// `POST /api/drift {"action": "reapply" | "adopt" | "forget", "items": [{"type", "id"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftRequest {
    /// What to do.
    pub action: Action,
    /// The objects to do it to.
    pub items: Vec<DriftItem>,
}

/// Per object: done, or why not. One object's failure does not stop the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftOutcome {
    #[serde(rename = "type")]
    /// The object's type.
    pub object_type: String,
    /// The object's id.
    pub id: String,
    /// Whether it was done.
    pub ok: bool,
    /// What was done, or why not.
    pub message: String,
}
