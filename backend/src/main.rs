//! `conjure`: run the panel. See `conjure --help`; every flag also reads a `CONJURE_*` variable.

use clap::Parser;
use conjure::{AppState, Cli, ari::AriClient, demo};
use model::api::Mode;
use tracing_subscriber::EnvFilter;

/// Every request allocates and frees hundreds of small strings (Asterisk renders an endpoint as 200+
/// fields), where glibc's malloc took 30 % of an import's instructions (callgrind). Measured: imports
/// 0.28x -> 0.31x of direct; idle RSS higher (35 MB against 11-28), peak lower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "conjure=info,asterisk_sim=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    if let Some(conjure::config::Command::CheckConfig { paths }) = &cli.command {
        return check_config(paths);
    }
    let (target, mode) = match cli.ari_target()? {
        Some(t) => (t, Mode::Asterisk),
        None => (demo::start().await?, Mode::Demo),
    };
    match mode {
        Mode::Demo => tracing::warn!(
            "DEMO MODE: no --ari-url given; an embedded Asterisk simulator answers, nothing reaches a phone system"
        ),
        Mode::Asterisk => {
            tracing::info!(ari_url = %target.base, ari_user = %target.user, "forwarding to Asterisk")
        }
    }
    let admin_password = cli.admin_password()?;
    let base_path = cli.base_path()?;
    let auth_settings = cli.auth_settings()?;
    if !cli.dist.join("index.html").exists() {
        tracing::warn!(dist = %cli.dist.display(), "the panel is not built; `cargo xtask run` builds it");
    }
    let frame_ancestors = cli.frame_ancestors()?;
    let store = conjure::store::Store::open(&cli.data_dir)?;
    let key_file = cli
        .secret_key_file
        .clone()
        .unwrap_or_else(|| cli.data_dir.join("secret.key"));
    let key = conjure::desired::open_key(&store, &key_file).await?;
    let state = AppState::new(
        AriClient::new(target)?,
        mode,
        admin_password,
        cli.dist.clone(),
        store,
    )
    .with_seal(key)
    .with_frame_ancestors(frame_ancestors)
    .with_auth_settings(auth_settings)
    .with_base_path(&base_path);
    let mut state = state;
    state.domain.provision_concurrency = cli.provision_concurrency.max(1);
    state.domain.sip_server = cli.sip_server()?.map(Into::into);
    let every = std::time::Duration::from_millis(cli.watch_interval_ms.max(100));
    let drift_every = cli
        .drift_check_minutes
        .filter(|m| *m > 0)
        .map(|m| std::time::Duration::from_secs(m * 60));
    conjure::start_background(&state, every, drift_every).await?;
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cli.listen))?;
    tracing::info!(
        "Conjure listening on http://{}{base_path}/",
        listener.local_addr()?
    );
    conjure::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// `conjure check-config`: prints what the files hold; exits 1 when something is refused, 2 when the
/// files cannot be read at all.
fn check_config(paths: &[std::path::PathBuf]) -> anyhow::Result<()> {
    use conjure::static_config::{read_files, report};
    let files = report::load(paths).map_err(anyhow::Error::msg)?;
    let found = match read_files(&files) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let (lines, refused) = report::lines(&found);
    for l in lines {
        println!("{l}");
    }
    if refused {
        std::process::exit(1);
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
