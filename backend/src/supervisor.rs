//! The supervisor: starts and stops what runs in the background for each server of the fleet: its queue
//! writer (fleet/queue.rs), its watcher, which reconciles after a restart (desired/watch.rs), and its
//! periodic drift checks. It stands above the domain it runs, so nothing in the fleet's core imports
//! the watcher it is watched by.

use std::sync::Arc;
use std::time::Duration;

use crate::domain::Domain;
use crate::fleet::{Server, queue, stored};

/// Starts the fleet: the servers added in the panel (each with its watcher), and a queue for every
/// server; the default server's watcher and drift checks run on the whole state, as they always have.
pub async fn start(
    st: &Domain,
    every: Duration,
    drift_every: Option<Duration>,
) -> anyhow::Result<()> {
    st.fleet.set_intervals(every, drift_every);
    for row in st.store.servers().await? {
        let name = row.name.clone();
        match stored::server_of(st, &row) {
            Ok(server) => {
                st.fleet.put(server.clone());
                launch(st, &server, true).await;
            }
            Err(e) => {
                tracing::error!(server = %name, %e, "this server cannot be used; fix it in the panel")
            }
        }
    }
    let default = st.fleet.default_server();
    launch(st, &default, false).await;
    crate::desired::watch::spawn(st.clone(), every);
    if let Some(d) = drift_every {
        crate::desired::watch::spawn_drift_checks(st.clone(), d);
    }
    Ok(())
}

/// Starts what runs for an enabled server: its queue, and (for all but the default, whose [`start`]
/// starts on the whole state) its watcher and drift checks. A disabled server is sent nothing, not even what
/// waits for it.
pub(crate) async fn launch(st: &Domain, server: &Arc<Server>, watcher: bool) {
    match st.store.pending_summary(0).await {
        Ok((_, counts)) => server.set_waiting(counts.get(&*server.name).map_or(0, |c| c.0)),
        Err(e) => tracing::error!(%e, "cannot read the changes waiting for {}", server.name),
    }
    if !server.enabled {
        return;
    }
    let mut tasks = vec![queue::spawn(st.clone(), server.clone())];
    if watcher {
        let every = st.fleet.every();
        tasks.push(crate::desired::watch::spawn(st.on_server(server), every));
        if let Some(d) = st.fleet.drift_every() {
            tasks.push(crate::desired::watch::spawn_drift_checks(
                st.on_server(server),
                d,
            ));
        }
    }
    server.keep_tasks(tasks);
}
