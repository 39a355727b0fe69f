//! `asterisk-sim --listen 127.0.0.1:8088 [--user name:password[:ro]]…`
//!
//! Without `--user`, the recording's users: `asterisk`/`asterisk` (read-write) and `viewer`/`viewer` (read-only).

use std::sync::Arc;

use asterisk_sim::{Sim, User, default_users, serve};

fn usage() -> ! {
    eprintln!("usage: asterisk-sim [--listen ADDR:PORT] [--user NAME:PASSWORD[:ro]]...");
    std::process::exit(2)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut listen = "127.0.0.1:8088".to_string();
    let mut users = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--listen" => listen = args.next().unwrap_or_else(|| usage()),
            "--user" => {
                let spec = args.next().unwrap_or_else(|| usage());
                let mut parts = spec.splitn(3, ':');
                let (Some(name), Some(password)) = (parts.next(), parts.next()) else {
                    usage()
                };
                users.push(User {
                    name: name.into(),
                    password: password.into(),
                    read_only: parts.next() == Some("ro"),
                });
            }
            _ => usage(),
        }
    }
    if users.is_empty() {
        users = default_users();
    }
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "asterisk-sim listening (ARI at /ari)");
    serve(listener, Arc::new(Sim::new(users)), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
