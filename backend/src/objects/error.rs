//! What can go wrong reading, writing or deleting an object: Conjure's own checks, Asterisk's refusals,
//! no answer at all, and Conjure's own record. Turned into an HTTP answer by `crate::error::answer`.

use model::validate::Finding;
use model::{BodyError, IdError, ObjectType};

use crate::ari::{AriError, Reason, Refusal};
use crate::store::StoreError;

/// Why an object cannot be read, saved or deleted.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    #[error("objectType '{0}' not found")]
    UnknownType(String),
    #[error("bad object id: {0}")]
    BadId(#[from] IdError),
    #[error("{0}")]
    Body(#[from] BodyError),
    /// The type is read-only or cannot be rendered after a write (see `ObjectType::write_refusal`).
    #[error("{0}")]
    NotWritable(String),
    /// Conjure's catalog refused the body; nothing was sent. `findings` holds every problem.
    #[error("{}", first_problem(.0))]
    Invalid(Vec<Finding>),
    #[error("replace is only for identify and aor objects, not {0}")]
    NotReplaceable(ObjectType),
    /// Drift actions on an object Conjure does not manage.
    #[error("Conjure does not manage {0} '{1}'")]
    NotManaged(ObjectType, String),
    /// Conjure's record cannot make the object (see `desired::Unpushable`).
    #[error("Conjure cannot push it again: {0}")]
    NotPushable(String),
    /// A target that names no server or group there is.
    #[error(transparent)]
    Target(#[from] crate::fleet::target::TargetError),
    /// A save names a target, and the object already goes elsewhere.
    #[error("{ty} '{id}' goes to {current}; a save does not move it")]
    TargetDiffers {
        ty: ObjectType,
        id: String,
        current: String,
    },
    /// Moving an object off servers deletes it there: the caller must say so.
    #[error("Moving {ty} '{id}' off {servers} deletes it there")]
    ConfirmMove {
        ty: ObjectType,
        id: String,
        servers: String,
    },
    #[error("No split change '{0}' is waiting (it may have been retried or undone meanwhile)")]
    NoSplit(String),
    /// Several servers, and none could take the change now: every one is disabled, or still has
    /// earlier changes waiting for it.
    #[error(
        "No Asterisk server can take the change now: each is disabled or still waiting for earlier changes; nothing was changed"
    )]
    NoServer,
    /// Asterisk could not be asked, or did not answer.
    #[error(transparent)]
    Unanswered(#[from] AriError),
    /// Asterisk answered and refused.
    #[error("{refusal}")]
    Refused { ty: ObjectType, refusal: Refusal },
    #[error("Asterisk's answer is not a list of fields: {0}")]
    BadAnswer(String),
    /// Asterisk answered something else than what was asked for (the message says what).
    #[error("{0}")]
    Garbled(String),
    /// Done on Asterisk (`done` is "Saved" or "Deleted"), but Conjure's database did not take it.
    #[error("{done} on Asterisk, but Conjure could not record it.")]
    NotRecorded {
        done: &'static str,
        #[source]
        cause: StoreError,
    },
    /// The message never shows the database's own words (they go to the log).
    #[error("Conjure could not read or write its own database.")]
    Store(#[from] StoreError),
    /// A replace (delete, then create) failed at the create; `restored` says whether the old object is back.
    #[error("{failed}")]
    ReplaceFailed {
        failed: Box<ObjectError>,
        restored: bool,
    },
}

impl ObjectError {
    /// Asterisk's status when Asterisk refused, for the audit.
    pub fn asterisk_status(&self) -> Option<u16> {
        match self {
            ObjectError::Refused { refusal, .. } => Some(refusal.status),
            ObjectError::ReplaceFailed { failed, .. } => failed.asterisk_status(),
            _ => None,
        }
    }

    /// Asterisk said it has no such object.
    pub fn is_missing(&self) -> bool {
        matches!(self, ObjectError::Refused { refusal, .. } if refusal.reason == Reason::NotFound)
    }
}

/// "fields[2] (max_contacts): …": the first error, and where it is.
pub(crate) fn first_problem(findings: &[Finding]) -> String {
    let Some(first) = findings.iter().find(|f| f.is_error()) else {
        return "the object was refused".into();
    };
    let place = match (first.index, &first.attribute) {
        (Some(i), Some(a)) => format!("fields[{i}] ({a}): "),
        (None, Some(a)) => format!("{a}: "),
        _ => String::new(),
    };
    format!("{place}{}", first.message)
}

/// The type named in a path or a record, or the error that lists the known ones.
pub fn object_type(name: &str) -> Result<ObjectType, ObjectError> {
    ObjectType::parse(name).ok_or_else(|| ObjectError::UnknownType(name.to_string()))
}

impl From<crate::managed::Unpushable> for ObjectError {
    fn from(u: crate::managed::Unpushable) -> Self {
        ObjectError::NotPushable(u.to_string())
    }
}

impl From<crate::ari::endpoints::EndpointsError> for ObjectError {
    fn from(e: crate::ari::endpoints::EndpointsError) -> Self {
        use crate::ari::endpoints::EndpointsError as E;
        match e {
            E::Unanswered(a) => ObjectError::Unanswered(a),
            E::Refused(refusal) => ObjectError::Refused {
                ty: ObjectType::Endpoint,
                refusal,
            },
            E::Garbled => ObjectError::Garbled(e.to_string()),
        }
    }
}
