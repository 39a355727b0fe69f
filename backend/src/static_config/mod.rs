//! A static configuration (`pjsip.conf`, `pjsip_wizard.conf` and what they include) as the objects push
//! configuration would hold: each object with its type, id and fields, checked by the same catalog as
//! the forms, every problem at its file and line. What push configuration cannot hold (transports, the
//! `system` section, hints) is listed as staying in the file, with the reason; nothing is dropped
//! without a word. This is the first step of an import: the plan and the push build on it.

mod objects;
pub mod report;

pub use objects::{Found, Outcome, StaticObject, Staying, read_files};
