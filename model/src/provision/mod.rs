//! Phone users: the auth, aor and endpoint that make one SIP phone user, the templates they are made
//! from, and the CSV import, as the API exchanges them.

pub mod rules;
pub mod template_change;
pub mod template_text;

use serde::{Deserialize, Serialize};

use crate::Field;
use crate::secret::Sensitive;

/// Option values per type that a template gives every user made from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateFields {
    /// Options of the user's auth.
    pub auth: Vec<Field>,
    /// Options of the user's aor.
    pub aor: Vec<Field>,
    /// Options of the user's endpoint.
    pub endpoint: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// A named set of options a phone user's three objects are made with.
pub struct Template {
    /// Its name (what the import's `template` column names).
    pub name: String,
    /// What it is for, in a sentence.
    pub description: String,
    /// The options of each object.
    pub fields: TemplateFields,
    /// Shipped with Conjure (editable, not deletable).
    #[serde(default)]
    pub builtin: bool,
}

/// `POST /api/phone-users`: what a receptionist types.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPhoneUser {
    /// The extension, also the SIP user name and the id of the auth, aor and endpoint.
    pub extension: String,
    /// Shown as caller ID.
    pub name: String,
    /// Empty: Conjure generates a strong one.
    #[serde(default)]
    pub password: Sensitive,
    /// Empty: the default template.
    #[serde(default)]
    pub template: String,
    /// A voicemail box (`2041@default`); empty for none.
    #[serde(default)]
    pub voicemail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// A phone user: an auth, an aor and an endpoint with the extension as their id.
pub struct PhoneUser {
    /// The extension, which is also the SIP user name.
    pub extension: String,
    /// The person's name, shown as caller id.
    pub name: String,
    /// The template it was made from.
    pub template: String,
    /// The mailbox (`2041@default`), or empty.
    pub voicemail: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// Who made it.
    pub created_by: String,
}

/// What a phone needs to register, shown once after creating the user or resetting the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneSetup {
    /// The user.
    pub user: PhoneUser,
    /// The SIP user name to type into the phone.
    pub username: String,
    /// Only when Conjure generated it (or an admin reset it); otherwise the person who typed it knows it.
    pub password: Option<Sensitive>,
    /// Where phones register (`--sip-server`); `None` until an administrator sets it.
    pub server: Option<String>,
    /// `UDP, port 5060`, `WSS (WebRTC)`, or what the template's transport names.
    pub transport: String,
}

/// `PATCH /api/phone-users/{ext}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneUserChange {
    #[serde(default)]
    /// A new name, if it changes.
    pub name: Option<String>,
    #[serde(default)]
    /// Another template, if it changes (the options are applied again).
    pub template: Option<String>,
    #[serde(default)]
    /// A new generated password, shown once in the answer.
    pub reset_password: bool,
}

/// One problem of an import file, where a person can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    /// The column's header, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

/// The dry run: what applying the file would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCheck {
    /// Data rows (blank lines not counted).
    pub rows: usize,
    /// Rows that would create a user.
    pub ready: usize,
    /// Rows whose user exists already exactly as the row says (done by an earlier run).
    pub done_before: usize,
    /// Every row that cannot be imported, and why.
    pub errors: Vec<RowIssue>,
    /// Things that do not stop the import (unknown columns, …).
    pub notes: Vec<String>,
}

/// The state of an import being applied, sent as server-sent events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    /// The import's number.
    pub id: u64,
    /// Rows in the file.
    pub total: usize,
    /// Users created so far.
    pub created: usize,
    /// Rows left alone (already done, or refused).
    pub skipped: usize,
    /// Rows Asterisk or Conjure could not make.
    pub failed: usize,
    /// Rows the check refused (each problem is in the results file); never sent to Asterisk.
    #[serde(default)]
    pub not_imported: usize,
    /// Finished, cancelled or refused as a whole.
    pub finished: bool,
    /// Stopped by a person before the end.
    pub cancelled: bool,
}

impl ImportProgress {
    /// Rows dealt with so far, however.
    pub fn processed(&self) -> usize {
        self.created + self.skipped + self.failed + self.not_imported
    }
}

/// How `GET /api/phone-users?sort=` orders the users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneUserSort {
    /// In numeric order for extensions of digits (`99` before `100`).
    #[default]
    Extension,
    /// By name.
    Name,
    /// By when the user was made.
    Created,
}

impl PhoneUserSort {
    /// Every order, as the list offers them.
    pub const ALL: [PhoneUserSort; 3] = [
        PhoneUserSort::Extension,
        PhoneUserSort::Name,
        PhoneUserSort::Created,
    ];

    /// Its name in a query (`?sort=name`).
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneUserSort::Extension => "extension",
            PhoneUserSort::Name => "name",
            PhoneUserSort::Created => "created",
        }
    }
}

/// Phone users a page of `GET /api/phone-users` holds.
pub const PHONE_USERS_PER_PAGE: u32 = 50;

/// `GET /api/phone-users`: one page of users ([`PHONE_USERS_PER_PAGE`]) and how many match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneUserPage {
    /// Users matching the search, on every page.
    pub total: u64,
    /// This page's users.
    pub items: Vec<PhoneUser>,
}

/// The answer to starting an import: what was read, and the first progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStarted {
    /// What the check found.
    pub check: ImportCheck,
    /// How far applying has come.
    pub progress: ImportProgress,
}
