//! Who is asking, how they proved it, and what their role lets them do.

use model::account::Role;

use super::AuthError;
use crate::audit::Who;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
    Basic,
    TrustedHeader,
}

impl Via {
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
    pub name: String,
    pub role: Role,
    pub via: Via,
    pub address: String,
    /// The session, when signed in through the panel.
    pub session: Option<SessionKeys>,
}

/// A panel session's cookie value and the CSRF token its state-changing requests must echo; both are
/// credentials, so `Debug` does not print them.
#[derive(Debug, Clone)]
pub struct SessionKeys {
    pub id: Secret,
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

    pub fn who(&self) -> Who {
        Who {
            actor: self.actor(),
            address: self.address.clone(),
        }
    }

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
