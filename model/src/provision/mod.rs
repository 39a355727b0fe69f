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
    pub auth: Vec<Field>,
    pub aor: Vec<Field>,
    pub endpoint: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    pub description: String,
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
pub struct PhoneUser {
    pub extension: String,
    pub name: String,
    pub template: String,
    pub voicemail: String,
    pub created_at: String,
    pub created_by: String,
}

/// What a phone needs to register, shown once after creating the user or resetting the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneSetup {
    pub user: PhoneUser,
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
    pub name: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub reset_password: bool,
}

/// One problem of an import file, where a person can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    /// The column's header, when the problem is in one cell.
    pub column: Option<String>,
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
    pub errors: Vec<RowIssue>,
    /// Things that do not stop the import (unknown columns, …).
    pub notes: Vec<String>,
}

/// The state of an import being applied, sent as server-sent events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub id: u64,
    pub total: usize,
    pub created: usize,
    pub skipped: usize,
    /// Rows Asterisk or Conjure could not make.
    pub failed: usize,
    /// Rows the check refused (each problem is in the results file); never sent to Asterisk.
    #[serde(default)]
    pub not_imported: usize,
    /// Finished, cancelled or refused as a whole.
    pub finished: bool,
    pub cancelled: bool,
}

impl ImportProgress {
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
    Name,
    Created,
}

impl PhoneUserSort {
    pub const ALL: [PhoneUserSort; 3] = [
        PhoneUserSort::Extension,
        PhoneUserSort::Name,
        PhoneUserSort::Created,
    ];

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
    pub total: u64,
    pub items: Vec<PhoneUser>,
}

/// The answer to starting an import: what was read, and the first progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStarted {
    pub check: ImportCheck,
    pub progress: ImportProgress,
}
