//! The plan of a static-configuration import (`pjsip.conf`, `pjsip_wizard.conf`): what each object of
//! the files would do on Asterisk, before anything is pushed.

use serde::{Deserialize, Serialize};

/// What pushing one object would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanAction {
    /// Asterisk has no such object: it would be made.
    Create,
    /// Conjure manages it and the files set other values: those options would change.
    Update,
    /// Conjure manages it and Asterisk already holds what the files say.
    Unchanged,
    /// Asterisk has it and Conjure does not manage it: adopt and overwrite, or skip.
    Conflict,
    /// The catalog refuses it; `problems` says why, where.
    Refused,
}

/// One option the push would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChange {
    /// The option.
    pub attribute: String,
    /// What the files say (`(hidden)` for a secret).
    pub file: String,
    /// What Asterisk has (`(hidden)` for a secret).
    pub asterisk: String,
}

/// One object of the files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// Its type.
    #[serde(rename = "type")]
    pub object_type: String,
    /// Its id.
    pub id: String,
    /// Where it was defined, `file:line:column`.
    pub at: String,
    /// What the push would do.
    pub action: PlanAction,
    /// For an update or a conflict: the options that differ.
    #[serde(default)]
    pub changes: Vec<PlanChange>,
    /// For a refusal: why, each `file:line:column: what`; for the others, the catalog's notes.
    #[serde(default)]
    pub problems: Vec<String>,
}

/// Something of the files that is not an object push configuration can hold, or a line Asterisk skips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanNote {
    /// `file:line:column`.
    pub at: String,
    /// What, and why.
    pub message: String,
}

/// The whole plan for one server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Every object, in the order it would be pushed.
    pub items: Vec<PlanItem>,
    /// What stays in the files, and why.
    pub staying: Vec<PlanNote>,
    /// The lines Asterisk would skip.
    pub skipped: Vec<PlanNote>,
}
