//! A static configuration (`pjsip.conf`, `pjsip_wizard.conf` and what they include) as the objects push
//! configuration would hold: each object with its type, id and fields, checked by the same catalog as
//! the forms, every problem at its file and line. What push configuration cannot hold (transports, the
//! `system` section, hints) is listed as staying in the file, with the reason; nothing is dropped
//! without a word. This is the first step of an import: the plan and the push build on it.

mod objects;
pub mod plan;
pub mod report;
pub mod same;

pub use objects::{Found, Outcome, StaticObject, Staying, read_files};

/// Why an upload cannot be planned.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum ConfigImportError {
    #[error("{0}")]
    Upload(#[from] asterisk_conf::UploadError),
    #[error("{0}")]
    Read(#[from] asterisk_conf::ReadError),
    #[error(transparent)]
    Object(#[from] crate::objects::ObjectError),
}

/// The plan of an upload named `name` (one file, or a zip / tar.gz of the configuration folder) on the
/// default server.
pub async fn plan_upload(
    st: &crate::domain::Domain,
    name: &str,
    bytes: &[u8],
) -> Result<model::config_import::Plan, ConfigImportError> {
    let files = asterisk_conf::Files::from_upload(name, bytes)?;
    let found = read_files(&files)?;
    Ok(plan::plan(st, &found).await?)
}
