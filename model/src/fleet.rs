//! The fleet's API shapes: the Asterisk servers Conjure keeps in step, what a change did on each, the
//! changes waiting for a server that did not answer, and where an object goes. The backend writes them,
//! the panel's servers page and the tests read them.

use serde::{Deserialize, Serialize};

/// The server given on the command line (`--ari-url`): it cannot be removed or renamed.
pub const DEFAULT_SERVER: &str = "default";

/// `POST /api/servers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewServer {
    /// The server's name in Conjure (lowercase letters, digits, `-`, `_`).
    pub name: String,
    /// Asterisk's HTTP server (`http://pbx:8088`, `https://pbx:8089`).
    pub ari_url: String,
    /// The ARI user (ari.conf).
    pub ari_user: String,
    /// Its password: sealed at rest, never shown again.
    pub ari_password: String,
    #[serde(default)]
    /// A PEM file on Conjure's machine that Asterisk's TLS certificate is signed by.
    pub ca_file: Option<String>,
    #[serde(default)]
    /// The groups it belongs to (targets name them).
    pub groups: Vec<String>,
    #[serde(default = "yes")]
    /// A disabled server gets no changes; they wait for it.
    pub enabled: bool,
    /// The person has been told that the secrets of the objects that go to this server will be sent to
    /// it, and agrees (refused with code `confirm-secrets` until then, when there are any).
    #[serde(default)]
    pub confirm_secrets: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /api/servers/{name}`: what is given changes; the credentials are checked again when the URL,
/// user, password or CA file change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerPatch {
    #[serde(default)]
    /// A new address.
    pub ari_url: Option<String>,
    #[serde(default)]
    /// A new ARI user.
    pub ari_user: Option<String>,
    #[serde(default)]
    /// A new password (needed with a new address: a stored one is not sent elsewhere).
    pub ari_password: Option<String>,
    /// `""` removes it.
    #[serde(default)]
    pub ca_file: Option<String>,
    #[serde(default)]
    /// New groups, replacing the old.
    pub groups: Option<Vec<String>>,
    #[serde(default)]
    /// Enable or disable.
    pub enabled: Option<bool>,
    /// As in [`NewServer`]: a new URL, CA file or group sends secrets where they have not been.
    #[serde(default)]
    pub confirm_secrets: bool,
}

/// One server as the fleet view shows it (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerView {
    /// The server's name.
    pub name: String,
    /// Its ARI address.
    pub ari_url: String,
    /// Its ARI user (the password is never shown).
    pub ari_user: String,
    #[serde(default)]
    /// The CA file its TLS is checked against, if any.
    pub ca_file: Option<String>,
    /// Its groups.
    pub groups: Vec<String>,
    /// Whether it gets changes now.
    pub enabled: bool,
    /// `None` until the watcher has looked.
    pub up: Option<bool>,
    /// Since when it has been up or down, as Conjure saw it.
    pub since: String,
    /// Asterisk's start time (`/ari/asterisk/info`), a restart changes it.
    pub startup_time: String,
    /// Asterisk's version, as it last said.
    pub version: String,
    /// How many managed objects of each type go to it.
    pub objects: std::collections::BTreeMap<String, u64>,
    /// The watcher's line: up since, down since, reconciling 42 %, restarted and restored N objects.
    pub state: String,
    /// Objects found different from Conjure's record by the last drift check, when one ran.
    pub drifted: Option<usize>,
    /// Changes waiting for it (it did not answer), and changes it refused when they were retried.
    pub pending: usize,
    /// Changes it refused, waiting for a person.
    pub refused: usize,
}

/// What adding a server (or checking it again) found, type by type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// Asterisk's version, as it says.
    pub version: String,
    /// Each PJSIP type, and whether its sorcery backend takes writes.
    pub types: Vec<TypeWritability>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// Whether one PJSIP type can be pushed to a server.
pub struct TypeWritability {
    #[serde(rename = "type")]
    /// The type.
    pub object_type: String,
    /// Whether sorcery.conf gives it a writable backend there.
    pub writable: bool,
    /// Asterisk's words when it is not.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The answer to adding or changing a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerAdded {
    /// The server as listed from now on.
    pub server: ServerView,
    /// What Conjure found when it asked the server.
    pub probe: Probe,
}

/// The answer to removing a server: what Conjure leaves on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRemoved {
    /// The server's name.
    pub name: String,
    /// Objects Conjure managed there: they stay on that Asterisk, no longer kept in step.
    pub objects_left: u64,
    /// Changes that were waiting for it and are now dropped.
    pub pending_dropped: usize,
    /// What became of what went to it.
    pub message: String,
}

/// What one change did on one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The server took the change.
    Applied,
    /// Asterisk said no; its words are in `message`.
    Refused,
    /// The server did not answer (or earlier changes are still waiting for it): kept and retried.
    Queued,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// What one server did with a change.
pub struct ServerOutcome {
    /// The server's name.
    pub server: String,
    /// What it did.
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    /// Its answer, or why there was none.
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    /// What to do about it.
    pub hint: String,
}

/// A change waiting for a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    /// The change's number (retrying and discarding name it).
    pub seq: i64,
    /// The server it waits for.
    pub server: String,
    #[serde(rename = "type")]
    /// The object's type.
    pub object_type: String,
    /// The object's id.
    pub id: String,
    /// `put` or `delete`.
    pub op: String,
    /// When the change was made (RFC 3339, UTC).
    pub created_at: String,
    /// Who made it.
    pub actor: String,
    /// How often it was sent.
    pub attempts: i64,
    /// The last answer or failure.
    pub last_error: String,
    /// Asterisk refused it when it was retried: it waits for a person (retry or discard).
    pub refused: bool,
}

/// A change applied on some servers and refused by others: `retry` sends Conjure's record to those
/// that refused it, `undo` puts back the object as it was where it was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitChange {
    /// What retrying and undoing name it by.
    pub token: String,
    #[serde(rename = "type")]
    /// The object's type.
    pub object_type: String,
    /// The object's id.
    pub id: String,
    /// The servers that took the change.
    pub applied: Vec<String>,
    /// The servers that refused it.
    pub refused: Vec<String>,
    /// The change made the object (undo deletes it where it was applied).
    pub created: bool,
    /// Who made the change.
    pub actor: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
}

/// `GET /api/fleet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetView {
    /// Moves on with any server's state or queue: `GET /api/fleet?wait=<seq>` answers at the next change.
    pub seq: u64,
    /// Every server, the default first.
    pub servers: Vec<ServerView>,
    /// The oldest waiting changes (at most 500; `pending_total` counts them all).
    pub pending: Vec<PendingChange>,
    /// Changes waiting, on all servers.
    pub pending_total: usize,
    /// Changes applied on some servers and refused by others, newest first.
    pub split: Vec<SplitChange>,
}

/// `PUT /api/objects/{type}/{id}/target`: where a managed object goes from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTarget {
    /// `server:<name>` and `group:<name>`; `[]` for every server.
    pub target: Vec<String>,
    /// Moving it off servers deletes it there: refused with code `confirm-move` until this is set.
    #[serde(default)]
    pub confirm: bool,
}

/// What a move did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// The new target: `[]` for every server.
    pub target: Vec<String>,
    /// Per server it left or joined.
    pub servers: Vec<ServerOutcome>,
}

/// What a retry or an undo of a split change did on each server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerServer {
    #[serde(default)]
    /// What each server did.
    pub servers: Vec<ServerOutcome>,
}

/// Where an object goes and which server it was read from: the fleet's part of
/// `GET /api/objects/{type}/{id}` (present with several servers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// `[]` (or absent) for every server.
    #[serde(default)]
    pub target: Option<Vec<String>>,
    #[serde(default)]
    /// The server the object was read from, when there are several.
    pub read_from: Option<String>,
}
