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
    pub const ALL: [Role; 4] = [Role::Admin, Role::Operator, Role::Provisioner, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Provisioner => "provisioner",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

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
    pub user: String,
    pub password: Sensitive,
}

/// `GET /api/session`: who is signed in, and the token state-changing requests must echo in the
/// `X-Conjure-Csrf` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user: String,
    pub role: Role,
    /// How the request was authenticated: `session`, `token`, `basic` or `trusted-header`.
    pub via: String,
    /// Empty unless `via` is `session`.
    pub csrf: Sensitive,
}

/// `POST /api/session/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: Sensitive,
    pub new: Sensitive,
}

/// A panel user as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    pub last_login: Option<String>,
}

/// `POST /api/users`. Without a password, one is generated and shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub password: Option<Sensitive>,
}

/// `PATCH /api/users/{name}`: any of these; `reset_password` generates a new password (shown once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub reset_password: bool,
}

/// The answer to creating a user or resetting a password: the password, this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub user: UserView,
    /// Only when Conjure generated it.
    pub password: Option<Sensitive>,
}

/// An API token as admins see it (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub created_by: String,
    pub last_used: Option<String>,
    pub revoked: bool,
}

/// `POST /api/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
}

/// The answer to creating a token: its value, this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenView,
    pub value: Sensitive,
}
