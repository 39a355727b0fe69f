//! The one pipeline both doors share: type and id already checked, body already checked; forward to
//! Asterisk and turn its answer into fields or an [`ObjectError`]. One file a job: reading, saving,
//! deleting, moving, the endpoint list, and what a save and a delete record alike.

mod delete;
mod endpoints;
pub(crate) mod error;
mod outcome;
mod read;
mod retarget;
mod write;

pub use delete::{Deleted, delete, delete_if_present, delete_on};
pub use endpoints::{endpoint_states, unmanaged_endpoints};
pub use error::{ObjectError, object_type};
pub use read::{exists, exists_on_any, read, read_from};
pub use retarget::{Moved, retarget};
pub use write::{Saved, adopt, describe, push_recorded, replace, write, write_to};

use outcome::{entry, nowhere, refused_by_asterisk, said};
use read::{answered, fields_of};
