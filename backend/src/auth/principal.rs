//! Who is asking, how they proved it, and what their role lets them do.

use model::account::Role;

use super::AuthError;
use crate::audit::Who;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// How a request proved who it is.
pub enum Via {
    /// The panel's session cookie (with its CSRF token on changes).
    Session,
    /// An API token (`Authorization: Bearer`).
    Token,
    /// A user's name and password (`Authorization: Basic`), as ARI clients send them.
    Basic,
    /// A portal's proxy, trusted by address, naming the user in a header.
    TrustedHeader,
}

impl Via {
    /// Its name in the audit log and the logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Session => "session",
            Via::Token => "token",
            Via::Basic => "basic",
            Via::TrustedHeader => "trusted-header",
        }
    }
}

/// The authenticated author of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user's name (a token's own name for a token).
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// How they proved it.
    pub via: Via,
    /// The client's address (the socket's peer, or what a trusted proxy said).
    pub address: String,
    /// The session, when signed in through the panel.
    pub session: Option<SessionKeys>,
}

/// A panel session's cookie value and the CSRF token its state-changing requests must echo; both are
/// credentials, so `Debug` does not print them.
#[derive(Debug, Clone)]
pub struct SessionKeys {
    /// The session's id (the cookie's value).
    pub id: Secret,
    /// The session's CSRF token, which every change must carry.
    pub csrf: Secret,
}

impl Principal {
    /// How the audit log names this author: a user's name, or `token:<name>`.
    pub fn actor(&self) -> String {
        match self.via {
            Via::Token => format!("token:{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// Who this is, for the audit log.
    pub fn who(&self) -> Who {
        Who {
            actor: self.actor(),
            address: self.address.clone(),
        }
    }

    /// Refuses unless the principal's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), AuthError> {
        if self.role >= role {
            return Ok(());
        }
        Err(AuthError::Forbidden {
            name: self.name.clone(),
            has: self.role,
            need: role,
        })
    }
}

/// Which ways of signing in a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// `/api`: session cookie, token, Basic, a trusted portal header.
    Panel,
    /// `/ari/...`: what ARI clients send (Basic, `?api_key=user:password`), and tokens.
    Ari,
}
