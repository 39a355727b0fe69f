//! What can go wrong with phone users, their templates and spreadsheet imports. The messages name the
//! extension, the step, the line; `crate::error::answer` adds the status and what to do.

use super::import::MAX_ROWS;
use crate::objects::ObjectError;
use crate::store::StoreError;

/// Why a phone user, a template or an import cannot be made as asked.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// A value of the form or the row; `field` is its column.
    #[error("{message}")]
    Invalid { field: usize, message: String },
    #[error("There is no template '{0}'.")]
    NoTemplate(String),
    /// Asterisk already has one of the user's three objects (the message says which).
    #[error("{0}")]
    Taken(String),
    #[error("There is already a phone user {0}.")]
    Exists(String),
    #[error("There is no phone user {0}.")]
    NoSuchUser(String),
    /// One of the three objects could not be made; `undo` says what became of the others.
    #[error("Step {} of 3, creating the {label} {ext}, failed: {failed} {undo}", .step + 1)]
    Step {
        step: usize,
        label: &'static str,
        ext: String,
        undo: String,
        failed: Box<ObjectError>,
    },
    #[error("Deleting the {label} {ext} failed: {failed}")]
    DeleteStep {
        label: &'static str,
        ext: String,
        failed: Box<ObjectError>,
    },
    /// A template's name or one of its lines.
    #[error("{0}")]
    BadTemplate(String),
    #[error("{users} phone users were made from '{name}'; it stays.")]
    TemplateInUse { name: String, users: u64 },
    #[error("'{0}' does not exist or is built in.")]
    TemplateNotDeletable(String),
    #[error(
        "The file is larger than {} MB; split it. Nothing was imported.",
        super::import::MAX_BYTES / 1024 / 1024
    )]
    FileTooLarge,
    #[error(
        "{} imports are running already; start this one when one of them has finished. Nothing was imported.",
        super::jobs::KEPT
    )]
    ImportsBusy,
    #[error("There is no import {0} (imports are kept until Conjure restarts).")]
    NoSuchImport(u64),
    #[error("Import {id} was started by {owner}; only they or an admin can cancel it.")]
    NotYoursToCancel { id: u64, owner: String },
    #[error(
        "The results of import {id} hold passwords; only {owner} (who ran it) or an admin can download them."
    )]
    NotYoursToDownload { id: u64, owner: String },
    #[error(
        "The results of import {0} were removed an hour after it finished, with the passwords in them."
    )]
    ResultsGone(u64),
    /// The spreadsheet cannot be read as a table at all; `about_header` adds how the first line looks.
    #[error("{message}")]
    Unreadable {
        message: String,
        about_header: bool,
        hint: Option<&'static str>,
    },
    #[error(
        "The file has more than {MAX_ROWS} rows. Split it into files of at most {MAX_ROWS} rows; nothing was imported."
    )]
    TooManyRows,
    #[error(transparent)]
    Object(#[from] ObjectError),
    /// The message never shows the database's own words (they go to the log).
    #[error("Conjure could not read or write its own database.")]
    Store(#[from] StoreError),
}
