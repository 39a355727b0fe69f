//! What a save and a delete share: their audit entries and messages, and the error of a change no
//! server took.

use model::api::{AuditChange, AuditEntry};
use model::fleet::ServerOutcome;
use model::{ObjectId, ObjectType};

use super::*;
use crate::ari::Upstream;
use crate::audit::{self, Who};
use crate::domain::Domain;
use crate::fleet::fanout::{self, Try};

/// The audit entry of a change of one object on the default server.
#[allow(clippy::too_many_arguments)]
pub(super) fn entry(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
    action: &str,
    changes: Vec<AuditChange>,
    status: u16,
    message: &str,
) -> AuditEntry {
    AuditEntry {
        changes,
        server: st.ari.base().to_string(),
        status,
        ..audit::event(who, action, ty.as_str(), id.as_str(), message)
    }
}

/// The audit's message: what was done, and on each server when there are several.
pub(super) fn said(done: &str, servers: &[ServerOutcome]) -> String {
    if servers.is_empty() {
        done.to_string()
    } else {
        format!("{done} ({})", fanout::summary(servers))
    }
}

/// Asterisk's refusal of a change of `ty`.
pub(super) fn refused_by_asterisk(st: &Domain, ty: ObjectType, up: &Upstream) -> ObjectError {
    ObjectError::Refused {
        ty,
        refusal: st.ari.refusal(up),
    }
}

/// The error of a change no server took: Asterisk's refusal where one refused, else why none answered.
pub(super) fn nowhere(ty: ObjectType, tried: Vec<fanout::Tried>) -> ObjectError {
    let mut down = None;
    for t in tried {
        match t.result {
            Try::Answered(up) => {
                return ObjectError::Refused {
                    ty,
                    refusal: t.server.ari.refusal(&up),
                };
            }
            Try::Down(e) => {
                down.get_or_insert(e);
            }
            Try::Behind => {}
        }
    }
    match down {
        Some(e) => e.into(),
        None => ObjectError::NoServer,
    }
}
