//! Where ARI requests go: an Asterisk's base URL, its credentials and Conjure's limits for it.

use std::path::PathBuf;
use std::time::Duration;

use crate::secret::Secret;

/// Where ARI requests go, with what credentials.
#[derive(Debug, Clone)]
pub struct AriTarget {
    /// Base URL without a trailing slash and without `/ari`.
    pub base: String,
    /// The ARI user (ari.conf).
    pub user: String,
    /// Its password (never logged, never sent to the browser).
    pub password: Secret,
    /// How long one request may take, connection included.
    pub timeout: Duration,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// Trusted besides the public CAs, for `https://` (a self-signed Asterisk).
    pub ca_file: Option<PathBuf>,
    /// Connections to this Asterisk at most.
    pub max_connections: usize,
}

impl AriTarget {
    /// A plain-HTTP target with Conjure's default limits (the simulator, tests).
    pub fn plain(base: String, user: &str, password: &str) -> Self {
        AriTarget {
            base,
            user: user.into(),
            password: Secret::from(password),
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            ca_file: None,
            max_connections: 16,
        }
    }
}

/// Accepts `http://pbx:8088`, `https://pbx:8089/`, `http://pbx:8088/ari`.
pub fn normalise_base(url: &str) -> anyhow::Result<String> {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        anyhow::bail!(
            "--ari-url '{url}' must start with http:// or https:// (Asterisk's HTTP server, e.g. http://pbx:8088, \
             or https://pbx:8089 when http.conf has tlsenable = yes)"
        );
    };
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        anyhow::bail!(
            "--ari-url must not carry credentials: use --ari-user and --ari-password-file"
        );
    }
    let port_ok = authority
        .rsplit_once(':')
        .is_none_or(|(_, p)| p.parse::<u16>().is_ok() || p.ends_with(']'));
    if authority.is_empty() || !port_ok || rest.contains(['?', '#']) {
        anyhow::bail!("--ari-url '{url}' is not a URL like http://pbx:8088");
    }
    let s = url.trim_end_matches('/');
    Ok(s.strip_suffix("/ari").unwrap_or(s).to_string())
}
