//! Panel accounts: roles, the signed-in identity, users and API tokens as the API exchanges them.
//! Password hashes and token values never appear in these types, except the one answer that shows a new
//! token or a generated password once.

use serde::{Deserialize, Serialize};

use crate::secret::Sensitive;

/// What an account may do. Ordered: each role can do everything the roles before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads objects, the inventory and the audit log; never a secret.
    Viewer,
    /// Also provisions phone users (create, import, rename, new password, template, delete): a clerk's
    /// role, which never edits a PJSIP object directly.
    Provisioner,
    /// Also creates, edits and deletes PJSIP objects.
    Operator,
    /// Also manages panel users and API tokens.
    Admin,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Operator, Role::Provisioner, Role::Viewer];

    /// The role's name on the wire and in the audit log (`admin`, `operator`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Provisioner => "provisioner",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// The role named `s` (as [`Role::as_str`] writes it), if any.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may make, change and delete phone users.
    pub fn can_provision(self) -> bool {
        self >= Role::Provisioner
    }

    /// Whether this role may change PJSIP objects.
    pub fn can_edit(self) -> bool {
        self >= Role::Operator
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `POST /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    /// The panel user's name.
    pub user: String,
    /// Their password; never logged or echoed.
    pub password: Sensitive,
}

/// `GET /api/session`: who is signed in, and the token state-changing requests must echo in the
/// `X-Conjure-Csrf` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Who is signed in (a user's name, or `token:<name>`).
    pub user: String,
    /// What they may do.
    pub role: Role,
    /// How the request was authenticated: `session`, `token`, `basic` or `trusted-header`.
    pub via: String,
    /// Empty unless `via` is `session`.
    pub csrf: Sensitive,
}

/// `POST /api/session/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    /// The password in use now, asked again before it changes.
    pub current: Sensitive,
    /// The new password.
    pub new: Sensitive,
}

/// A panel user as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// The user's sign-in name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// A disabled user cannot sign in; their sessions ended when they were disabled.
    pub disabled: bool,
    /// When the user was added (RFC 3339, UTC).
    pub created_at: String,
    /// When they last signed in, if ever.
    pub last_login: Option<String>,
}

/// `POST /api/users`. Without a password, one is generated and shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The sign-in name to create.
    pub name: String,
    /// What the new user may do.
    pub role: Role,
    #[serde(default)]
    /// Their first password; without one, Conjure generates one and shows it once.
    pub password: Option<Sensitive>,
}

/// `PATCH /api/users/{name}`: any of these; `reset_password` generates a new password (shown once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    #[serde(default)]
    /// A new role, if it changes.
    pub role: Option<Role>,
    #[serde(default)]
    /// Disable (`true`) or enable (`false`) the account, if it changes.
    pub disabled: Option<bool>,
    #[serde(default)]
    /// Give the user a new generated password, shown once in the answer.
    pub reset_password: bool,
}

/// The answer to creating a user or resetting a password: the password, this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// The user as stored after the change.
    pub user: UserView,
    /// Only when Conjure generated it.
    pub password: Option<Sensitive>,
}

/// An API token as admins see it (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    /// The token's number (what revoking names).
    pub id: i64,
    /// Who the token acts as: the audit log says `token:<name>`.
    pub name: String,
    /// What the token may do.
    pub role: Role,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// The admin who created it.
    pub created_by: String,
    /// When it was last used, to the minute, if ever.
    pub last_used: Option<String>,
    /// A revoked token opens nothing; it stays listed for the record.
    pub revoked: bool,
}

/// `POST /api/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    /// What the token is for (the script or portal that will use it); unique among live tokens.
    pub name: String,
    /// What the token may do.
    pub role: Role,
}

/// The answer to creating a token: its value, this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    /// The token as listed from now on.
    pub token: TokenView,
    /// The token's value: shown this once, only its hash is kept.
    pub value: Sensitive,
}
