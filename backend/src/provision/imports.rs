//! A spreadsheet import as its API sees it: checked (a dry run) or started, then found, cancelled, and
//! its results handed out. Who may cancel an import or read its generated passwords is decided here:
//! who ran it, or an admin.

use std::sync::Arc;

use model::account::Role;
use model::provision::{ImportCheck, ImportStarted};

use super::{ProvisionError, import, jobs};
use crate::audit;
use crate::auth::Principal;
use crate::domain::Domain;

/// What a file became.
pub enum Started {
    /// The dry run's findings; nothing was changed.
    Checked(ImportCheck),
    /// Applying has begun; its progress is read by id.
    Running(ImportStarted),
}

/// Reads `bytes` as an import file for `target` (`None`: every server) and checks it (`dry_run`) or
/// starts applying it as `p`.
pub async fn start(
    st: &Domain,
    bytes: &[u8],
    target: Option<Vec<String>>,
    dry_run: bool,
    p: &Principal,
) -> Result<Started, ProvisionError> {
    if let Some(t) = &target {
        // Checked before a row is read: a target that names nothing fails the whole import at once.
        st.fleet
            .check_target(t)
            .map_err(crate::objects::ObjectError::from)?;
    }
    let templates = st.store.template_names().await?;
    let parsed = import::parse(&import::decode(bytes)?, &templates)?;
    if dry_run {
        return Ok(Started::Checked(
            jobs::check(st, parsed, target.as_deref()).await,
        ));
    }
    let check = ImportCheck {
        rows: parsed.total,
        ready: parsed.rows.len(),
        errors: parsed.errors.clone(),
        notes: parsed.notes.clone(),
        done_before: 0,
    };
    let id = jobs::apply(st, parsed, p.who(), target).ok_or(ProvisionError::ImportsBusy)?;
    tracing::info!(id, rows = check.rows, by = %p.actor(), "import started");
    let progress = find(st, id)?.progress.borrow().clone();
    Ok(Started::Running(ImportStarted { check, progress }))
}

/// Import `id` of this process.
pub fn find(st: &Domain, id: u64) -> Result<Arc<jobs::Job>, ProvisionError> {
    st.jobs.get(id).ok_or(ProvisionError::NoSuchImport(id))
}

/// Stops import `id` after the row under way; for who ran it, or an admin.
pub fn cancel(st: &Domain, id: u64, p: &Principal) -> Result<(), ProvisionError> {
    let job = find(st, id)?;
    if job.owner != p.actor() && p.role < Role::Admin {
        return Err(ProvisionError::NotYoursToCancel {
            id,
            owner: job.owner.clone(),
        });
    }
    job.cancel();
    tracing::info!(id, by = %p.actor(), "import cancelled");
    Ok(())
}

/// The per-row results as CSV, with the passwords Conjure generated: for who ran the import, or an
/// admin, and every download is in the audit log (written first: no entry, no file).
pub async fn results(st: &Domain, id: u64, p: &Principal) -> Result<Vec<u8>, ProvisionError> {
    let job = find(st, id)?;
    if job.owner != p.actor() && p.role < Role::Admin {
        return Err(ProvisionError::NotYoursToDownload {
            id,
            owner: job.owner.clone(),
        });
    }
    let body = jobs::results_csv(&job, st.clock.now()).ok_or(ProvisionError::ResultsGone(id))?;
    let msg = format!(
        "{} downloaded the results of import {id}, with the passwords it generated",
        p.actor()
    );
    st.store
        .log(&audit::event(
            &p.who(),
            "download",
            "import",
            &id.to_string(),
            msg,
        ))
        .await?;
    Ok(body)
}
