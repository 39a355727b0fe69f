//! A change waiting for a server, settled by a person: sent again (its cause fixed on Asterisk) or
//! discarded (that server will not get it; the reconciler still puts back what the record holds when
//! the server restarts). Both are in the audit log.

use super::error::FleetError;
use crate::audit::{self, Who};
use crate::domain::Domain;

/// Sends waiting change `seq` again at its server's next turn.
pub async fn retry(st: &Domain, seq: i64, who: &Who) -> Result<(), FleetError> {
    let server = st
        .store
        .pending_retry(seq)
        .await?
        .ok_or(FleetError::NoSuchChange(seq))?;
    if let Some(s) = st.fleet.get(&server) {
        s.queued();
    }
    audit::record(
        &st.store,
        audit::event(
            who,
            "retry",
            "pending",
            &seq.to_string(),
            format!("to be sent to {server} again"),
        ),
    )
    .await;
    Ok(())
}

/// Drops waiting change `seq`.
pub async fn discard(st: &Domain, seq: i64, who: &Who) -> Result<(), FleetError> {
    let row = st
        .store
        .pending_one(seq)
        .await?
        .ok_or(FleetError::NoSuchChange(seq))?;
    if !st.store.pending_done(seq).await? {
        return Err(FleetError::NoSuchChange(seq));
    }
    let c = &row.change;
    if !c.refused
        && let Some(s) = st.fleet.get(&c.server)
    {
        s.done_with(1);
    }
    audit::record(
        &st.store,
        audit::event(
            who,
            "discard",
            &c.object_type,
            &c.id,
            format!("the waiting {} for {} was discarded", c.op, c.server),
        ),
    )
    .await;
    Ok(())
}
