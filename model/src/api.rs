//! JSON exchanged between the SPA and the backend's `/api`.

use serde::{Deserialize, Serialize};

use crate::validate::Finding;
use crate::{Field, ObjectType};

/// An object as the panel sees it: its fields without secrets, and which secrets are set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectView {
    #[serde(rename = "type")]
    /// The object's type.
    pub object_type: ObjectType,
    /// The object's id, as Asterisk has it.
    pub id: String,
    /// In Asterisk's order; attributes may repeat.
    pub fields: Vec<Field>,
    /// Secret options of the object and whether each has a value. Their values never leave the backend.
    pub secrets: Vec<SecretState>,
    /// After a save: what Asterisk accepted but changes or warns about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// Whether a secret option (a password, an MD5 credential) has a value, without the value.
pub struct SecretState {
    /// The secret option's name.
    pub attribute: String,
    /// Whether it has a value.
    pub set: bool,
}

/// The body of `PUT /api/objects/{type}/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveRequest {
    /// The options to set, in the order Asterisk applies them.
    pub fields: Vec<Field>,
}

/// Every error answer of Conjure: `{"message": …}` like Asterisk's, plus what helps a person act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// What went wrong, in words a person can act on.
    pub message: String,
    /// What a page acts on, where it must act (`"confirm-secrets"`, `"confirm-move"`): pages never read
    /// the words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What to do about it, when Conjure knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The `fields[i]` entry the error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_index: Option<usize>,
    /// Set when the answer came from Asterisk: the status it gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asterisk_status: Option<u16>,
    /// Every problem Conjure found in the fields, when it refused them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

impl ApiError {
    /// An error with `message` and nothing else.
    pub fn new(message: impl Into<String>) -> Self {
        ApiError {
            message: message.into(),
            code: None,
            hint: None,
            field_index: None,
            asterisk_status: None,
            findings: Vec::new(),
        }
    }
    /// The same error with what to do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The message alone; the panel shows the hint beside it.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// So that a page can hand an error to an `ErrorBoundary` and get the whole answer back.
impl std::error::Error for ApiError {}

/// Where the backend sends ARI requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// No Asterisk configured: an embedded simulator answers. Nothing reaches a phone system.
    Demo,
    /// A real Asterisk at the configured ARI URL.
    Asterisk,
}

/// `GET /api/status`: what the top bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Demo (the simulator) or a real Asterisk.
    pub mode: Mode,
    /// The ARI base URL, without credentials.
    pub ari_url: String,
    /// Whether Asterisk answered `GET /ari/asterisk/info` just now.
    pub reachable: bool,
    /// Asterisk's version when reachable, or why it is not.
    pub detail: String,
    /// Moves on whenever the watcher's state does: `GET /api/status?wait=<seq>` answers at the next change.
    #[serde(default)]
    pub seq: u64,
    /// The watcher's line: up since, down since, reconciling 42%, restarted and restored N objects.
    #[serde(default)]
    pub watch: String,
}

/// How to list a type's objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// Part of the id, any case.
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    /// What the list is ordered by.
    pub sort: SortKey,
    #[serde(default)]
    /// Largest first.
    pub descending: bool,
    /// From 1.
    #[serde(default = "first_page")]
    pub page: u32,
    #[serde(default = "default_per_page")]
    /// Objects a page, capped by the backend.
    pub per_page: u32,
}

fn first_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    50
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            search: String::new(),
            sort: SortKey::Id,
            descending: false,
            page: 1,
            per_page: 50,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// What an inventory list is ordered by.
pub enum SortKey {
    #[default]
    /// The object's id.
    Id,
    /// When Conjure last changed it.
    Updated,
}

/// One object of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryItem {
    /// The object's id.
    pub id: String,
    /// When Conjure last changed it (RFC 3339, UTC).
    pub updated_at: String,
    /// Who changed it last.
    pub updated_by: String,
    /// The secret options that have a value (names only).
    pub secrets_set: Vec<String>,
}

/// `GET /api/inventory/{type}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryPage {
    /// Objects matching the search, on every page.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Objects a page.
    pub per_page: u32,
    /// This page's objects.
    pub items: Vec<InventoryItem>,
    /// Endpoints Asterisk reports that Conjure did not push (only for endpoints, on the first page).
    #[serde(default)]
    pub unmanaged: Vec<String>,
}

/// One change in the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The entry's number: later entries have larger ones.
    pub seq: i64,
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    /// Who: a user's name, `token:<name>`, or `conjure (recovery)` for what Conjure undid itself.
    pub actor: String,
    /// From where (client address), when known.
    pub address: String,
    /// On PJSIP objects `put`, `replace`, `delete` or `adopt`; on Conjure's own things (see `type`) `add`,
    /// `change`, `reset-password`, `create`, `revoke`, `save`, `delete`, `export`, `download`.
    pub action: String,
    /// A PJSIP type (`endpoint`, …), or `user`, `token`, `template`, `phone-users`, `import` for what was
    /// done to Conjure itself.
    #[serde(rename = "type")]
    pub object_type: String,
    /// The object's id (a user's, a token's, a server's name for those kinds).
    pub id: String,
    /// Each option that changed, with secrets hidden.
    pub changes: Vec<AuditChange>,
    /// The Asterisk server (ARI base URL); empty for what did not reach Asterisk.
    pub server: String,
    /// Asterisk's answer (200 for Conjure's own actions).
    pub status: u16,
    /// What happened, in words.
    pub message: String,
    /// The entry in words ("anna changed endpoint 2041: context internal → sales"), made by
    /// `GET /api/audit`; empty where an entry is written.
    #[serde(default)]
    pub summary: String,
}

/// One option's change. Secrets appear as `(hidden)` / `(changed)`, never with their values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditChange {
    /// The option.
    pub attribute: String,
    /// Its value before (`(hidden)` for a secret).
    pub before: String,
    /// Its value after (`(hidden)` for a secret).
    pub after: String,
}

/// Filters of `GET /api/audit` (all optional); newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Only what this user or token did.
    pub actor: Option<String>,
    #[serde(rename = "type")]
    /// Only changes of this kind of object.
    pub object_type: Option<String>,
    /// Only changes of this object.
    pub id: Option<String>,
    /// ISO 8601 times, inclusive and exclusive.
    pub since: Option<String>,
    /// Only entries before this one (`seq`), for the next page.
    pub until: Option<String>,
    /// Entries older than this sequence number (for paging).
    pub before: Option<i64>,
    #[serde(default = "default_audit_limit")]
    /// Entries at most, capped by the backend.
    pub limit: u32,
}

fn default_audit_limit() -> u32 {
    100
}
