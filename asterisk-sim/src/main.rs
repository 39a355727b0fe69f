//! `asterisk-sim --listen 127.0.0.1:8088 [--user name:password[:ro]]… [--tls-cert cert.pem --tls-key key.pem]`
//!
//! Without `--user`, the recording's users: `asterisk`/`asterisk` (read-write) and `viewer`/`viewer` (read-only).
//! With `--tls-cert` and `--tls-key` (PEM) it speaks TLS only, as Asterisk with `tlsenable = yes`. `--read-cpu-us` and
//! `--write-cpu-us` make each GET, and each PUT or DELETE, cost that much CPU, to play the real Asterisk's rates.
//! `--delay-ms N` makes every answer wait N ms and `--connect-delay-ms N` every new connection (a slow Asterisk).
//! Signals play the process's life: `SIGHUP` restarts it (memory objects gone, astdb back, connections closed,
//! a new `startup_time`), `SIGUSR1` crashes it and starts it again (the last second of astdb writes lost too), `SIGUSR2`
//! reloads its configuration (a new `last_reload_time`, every object kept).

use std::sync::Arc;

use anyhow::Context;
use asterisk_sim::{Sim, User, default_users, serve, serve_tls};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls;

fn usage() -> ! {
    eprintln!(
        "usage: asterisk-sim [--listen ADDR:PORT] [--user NAME:PASSWORD[:ro]]... [--tls-cert PEM --tls-key PEM]\n\
         \x20                   [--read-cpu-us N] [--write-cpu-us N]   (CPU each GET / PUT or DELETE costs)\n\
         \x20                   [--delay-ms N] [--connect-delay-ms N]  (waits: each answer / each new connection)\n\
         \x20                   [--memory TYPE]...                     (keep TYPE in memory: gone after a restart)\n\
         signals: SIGHUP restarts, SIGUSR1 crashes and restarts, SIGUSR2 reloads"
    );
    std::process::exit(2)
}

fn tls_config(cert: &str, key: &str) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("cannot read the certificates in {cert}"))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("cannot read the private key in {key}"))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(chain, key)?;
    Ok(Arc::new(config))
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
    let (mut cert, mut key) = (None, None);
    let mut service = [std::time::Duration::ZERO; 2];
    let mut delays = [std::time::Duration::ZERO; 2];
    let mut memory: Vec<&'static str> = Vec::new();
    let millis = |v: Option<String>| {
        std::time::Duration::from_millis(v.and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()))
    };
    let micros = |v: Option<String>| {
        std::time::Duration::from_micros(v.and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()))
    };
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
            "--tls-cert" => cert = Some(args.next().unwrap_or_else(|| usage())),
            "--tls-key" => key = Some(args.next().unwrap_or_else(|| usage())),
            "--read-cpu-us" => service[0] = micros(args.next()),
            "--write-cpu-us" => service[1] = micros(args.next()),
            "--delay-ms" => delays[0] = millis(args.next()),
            "--connect-delay-ms" => delays[1] = millis(args.next()),
            "--memory" => {
                let ty = args.next().unwrap_or_else(|| usage());
                // The catalog's own name, so the layout names a type the simulator knows.
                let known = asterisk_sim::type_name(&ty).unwrap_or_else(|| usage());
                memory.push(known);
            }
            _ => usage(),
        }
    }
    let tls = match (cert, key) {
        (Some(c), Some(k)) => Some(tls_config(&c, &k)?),
        (None, None) => None,
        _ => usage(),
    };
    if users.is_empty() {
        users = default_users();
    }
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(addr = %listener.local_addr()?, scheme, "asterisk-sim listening (ARI at /ari)");
    let sim = Arc::new(
        Sim::new(users).with_backends(
            memory
                .into_iter()
                .map(|t| (t, asterisk_sim::Backend::Memory)),
        ),
    );
    sim.set_service_time(service[0], service[1]);
    sim.set_delays(delays[0], delays[1]);
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut hup, mut usr1, mut usr2) = (
            signal(SignalKind::hangup())?,
            signal(SignalKind::user_defined1())?,
            signal(SignalKind::user_defined2())?,
        );
        let sim = sim.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = hup.recv() => {
                        sim.restart();
                        tracing::warn!(startup_time = %sim.startup_time(), "SIGHUP: restarted (memory objects gone)");
                    }
                    _ = usr1.recv() => {
                        sim.crash_and_restart();
                        tracing::warn!(startup_time = %sim.startup_time(), "SIGUSR1: crashed and restarted");
                    }
                    _ = usr2.recv() => {
                        sim.reload();
                        tracing::warn!(last_reload_time = %sim.last_reload_time(), "SIGUSR2: configuration reloaded (objects kept)");
                    }
                }
            }
        });
    }
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match tls {
        Some(tls) => serve_tls(listener, sim.clone(), tls, stop).await?,
        None => serve(listener, sim.clone(), stop).await?,
    }
    // What a person (or a test run pointed at this server) left behind.
    let held = sim.objects();
    tracing::info!(objects = held.len(), "asterisk-sim stopped");
    for (ty, id) in held {
        tracing::info!(%ty, %id, "held at stop");
    }
    Ok(())
}
