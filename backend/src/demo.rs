//! Demo mode: with no Asterisk configured, Conjure starts an embedded simulator on loopback and talks to it
//! over real HTTP, through the same client and checks as for a real Asterisk.

use std::sync::Arc;

use asterisk_sim::{Sim, User};

use crate::ari::AriTarget;

/// Starts the simulator on an ephemeral loopback port with a fresh random ARI password.
pub async fn start() -> std::io::Result<AriTarget> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let password = random_password()?;
    let sim = Arc::new(Sim::new(vec![User {
        name: "conjure".into(),
        password: password.clone(),
        read_only: false,
    }]));
    tokio::spawn(async move {
        if let Err(e) = asterisk_sim::serve(listener, sim, std::future::pending()).await {
            tracing::error!(%e, "embedded simulator stopped");
        }
    });
    Ok(AriTarget::plain(
        format!("http://{addr}"),
        "conjure",
        &password,
    ))
}

fn random_password() -> std::io::Result<String> {
    Ok(crate::auth::password::random_text::<18>())
}
