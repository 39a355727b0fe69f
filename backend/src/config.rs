//! Configuration: every flag also reads a `CONJURE_*` environment variable. Secrets come from the
//! environment or a file and never appear in `Debug` output or logs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::ari::{AriTarget, normalise_base};
use crate::secret::Secret;

/// For clap: a flag's value straight into a [`Secret`], so `Cli`'s `Debug` cannot print it.
fn secret(value: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::from(value))
}

/// What `conjure` can do besides serving the panel.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Reads a static configuration (pjsip.conf, pjsip_wizard.conf and what they include: files, a
    /// folder such as /etc/asterisk, or a .zip / .tar.gz of it) and says which objects push
    /// configuration would hold, which the catalog refuses (file:line) and what stays in the files.
    /// Nothing is sent anywhere. Exits 1 when something is refused.
    CheckConfig {
        /// Files, folders or archives.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "conjure",
    version,
    about = "A web panel for Asterisk's ARI push configuration"
)]
/// Conjure's command line (every flag also reads an environment variable, shown by `--help`).
pub struct Cli {
    /// A command instead of serving the panel.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Address and port the panel listens on.
    #[arg(long, env = "CONJURE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Asterisk's HTTP server, e.g. http://pbx:8088. Without it Conjure runs an embedded simulator (demo mode).
    #[arg(long, env = "CONJURE_ARI_URL")]
    pub ari_url: Option<String>,
    /// The ARI user (ari.conf) Conjure signs in as.
    #[arg(long, env = "CONJURE_ARI_USER", default_value = "asterisk")]
    pub ari_user: String,
    /// The ARI user's password. Prefer --ari-password-file.
    #[arg(long, env = "CONJURE_ARI_PASSWORD", hide_env_values = true, value_parser = secret)]
    pub ari_password: Option<Secret>,
    /// A file holding the ARI password (trailing newline ignored).
    #[arg(long, env = "CONJURE_ARI_PASSWORD_FILE")]
    pub ari_password_file: Option<PathBuf>,
    /// Where Conjure keeps its own state.
    #[arg(long, env = "CONJURE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The key that seals secrets at rest (what Conjure needs to push an auth again). Created `0600` with
    /// a random key when absent; losing it means entering those secrets again. Default: `<data-dir>/secret.key`.
    #[arg(long, env = "CONJURE_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// How often (ms) the watcher asks Asterisk whether it restarted, to put back what it lost.
    #[arg(long, env = "CONJURE_WATCH_INTERVAL_MS", default_value_t = 2000)]
    pub watch_interval_ms: u64,
    /// Compare Asterisk with Conjure's record every this many minutes and say in the top bar how many
    /// objects differ (also GET /api/drift). Off by default: each check reads every managed object.
    #[arg(long, env = "CONJURE_DRIFT_CHECK_MINUTES")]
    pub drift_check_minutes: Option<u64>,
    /// The trunk-built single-page app.
    #[arg(long, env = "CONJURE_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Password of the first user, `admin`, created at the first start. Without it Conjure generates one
    /// and prints it once. Ignored once users exist.
    #[arg(long, env = "CONJURE_ADMIN_PASSWORD", hide_env_values = true, value_parser = secret)]
    pub admin_password: Option<Secret>,
    /// A file holding the first admin's password.
    #[arg(long, env = "CONJURE_ADMIN_PASSWORD_FILE")]
    pub admin_password_file: Option<PathBuf>,
    /// Origins allowed to embed the panel in an iframe (CSP frame-ancestors), e.g.
    /// `--frame-ancestors https://portal.example.com`; repeat or comma-separate for several. Default: none.
    #[arg(long, env = "CONJURE_FRAME_ANCESTORS", value_delimiter = ',')]
    pub frame_ancestors: Vec<String>,
    /// Serve the whole panel (pages, assets, /api, /ari) under this prefix, e.g. `/conjure`, for a portal's
    /// reverse proxy. Default: the root.
    #[arg(long, env = "CONJURE_BASE_PATH", default_value = "")]
    pub base_path: String,
    /// A header carrying the signed-in user's name, set by a portal's reverse proxy that does its own login
    /// (e.g. `X-Remote-User`). Believed only from --trusted-proxy addresses.
    #[arg(long, env = "CONJURE_TRUSTED_USER_HEADER")]
    pub trusted_user_header: Option<String>,
    /// Addresses of reverse proxies whose --trusted-user-header, X-Forwarded-For and X-Forwarded-Proto are believed.
    #[arg(long, env = "CONJURE_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// A panel session ends after this many minutes without a request.
    #[arg(long, env = "CONJURE_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// A panel session ends this many hours after sign-in, however busy.
    #[arg(long, env = "CONJURE_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u64,
    /// Mark the session cookie Secure although Conjure itself speaks plain HTTP (TLS ends at a proxy that
    /// is not a --trusted-proxy sending X-Forwarded-Proto).
    #[arg(long, env = "CONJURE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// How many rows of a phone-user import go to Asterisk at once.
    #[arg(long, env = "CONJURE_PROVISION_CONCURRENCY", default_value_t = 8)]
    pub provision_concurrency: usize,
    /// The address phones register to (e.g. `pbx.example.com` or `pbx.example.com:5061`), shown on the
    /// phone setup card and in import results. Without it the card says that it is not set.
    #[arg(long, env = "CONJURE_SIP_SERVER")]
    pub sip_server: Option<String>,
    /// How long one ARI request may take, in milliseconds, before Conjure answers 504.
    #[arg(long, env = "CONJURE_ARI_TIMEOUT_MS", default_value_t = 5000)]
    pub ari_timeout_ms: u64,
    /// A PEM file with the certificate of Asterisk's TLS server, or of the CA that signed it (the
    /// common self-signed case), trusted besides the public CAs for an https:// --ari-url.
    #[arg(long, env = "CONJURE_ARI_CA_FILE")]
    pub ari_ca_file: Option<PathBuf>,
    /// At most this many connections to Asterisk at once; more requests wait for one. Asterisk's
    /// http.conf sessionlimit (100 by default) is shared with its other ARI clients.
    #[arg(long, env = "CONJURE_ARI_MAX_CONNECTIONS", default_value_t = 16)]
    pub ari_max_connections: usize,
    /// How long connecting to Asterisk may take, in milliseconds.
    #[arg(long, env = "CONJURE_ARI_CONNECT_TIMEOUT_MS", default_value_t = 2000)]
    pub ari_connect_timeout_ms: u64,
}

impl Cli {
    /// `--frame-ancestors`, each checked: it goes into the CSP header, where a `;` or a space would add
    /// directives or sources of the caller's choosing.
    pub fn frame_ancestors(&self) -> anyhow::Result<Vec<String>> {
        self.frame_ancestors
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .map(|o| check_origin(o).map(|()| o.to_string()))
            .collect()
    }

    /// `--sip-server`, checked: a host name or address, with an optional port.
    pub fn sip_server(&self) -> anyhow::Result<Option<String>> {
        let Some(s) = self
            .sip_server
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Ok(None);
        };
        let host = s
            .rsplit_once(':')
            .filter(|(h, p)| !h.ends_with(':') && p.parse::<u16>().is_ok())
            .map_or(s, |(h, _)| h);
        let ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b));
        if !ok {
            anyhow::bail!(
                "--sip-server '{s}' must be the host phones register to, like pbx.example.com or pbx.example.com:5061"
            );
        }
        Ok(Some(s.to_string()))
    }

    /// The base path as the router needs it: `""` or `/prefix` without a trailing slash.
    pub fn base_path(&self) -> anyhow::Result<String> {
        let b = self.base_path.trim_end_matches('/');
        let ok = b.is_empty()
            || (b.starts_with('/')
                && b[1..].split('/').all(|seg| {
                    !seg.is_empty()
                        && seg
                            .bytes()
                            .all(|c| c.is_ascii_alphanumeric() || b"-_.~".contains(&c))
                }));
        if !ok {
            anyhow::bail!(
                "--base-path '{}' must look like /conjure or /admin/pbx (letters, digits, - _ . ~)",
                self.base_path
            );
        }
        Ok(b.to_string())
    }

    /// The auth settings the flags give (session lengths, trusted proxies and header, cookie flags).
    pub fn auth_settings(&self) -> anyhow::Result<crate::auth::Settings> {
        let header = self
            .trusted_user_header
            .as_deref()
            .map(|h| {
                axum::http::HeaderName::try_from(h.to_ascii_lowercase()).map_err(|_| {
                    anyhow::anyhow!("--trusted-user-header '{h}' is not a valid header name")
                })
            })
            .transpose()?;
        if header.is_some() && self.trusted_proxy.is_empty() {
            anyhow::bail!(
                "--trusted-user-header needs --trusted-proxy: the addresses of the proxies allowed to set it"
            );
        }
        if self.session_idle_minutes == 0 || self.session_max_hours == 0 {
            anyhow::bail!("session lengths must be at least one minute and one hour");
        }
        Ok(crate::auth::Settings {
            idle: Duration::from_secs(self.session_idle_minutes * 60),
            absolute: Duration::from_secs(self.session_max_hours * 3600),
            trusted_user_header: header,
            trusted_proxies: self.trusted_proxy.clone(),
            secure_cookies: self.secure_cookies,
            cookie_path: "/".into(),
        })
    }
}

impl Cli {
    /// The first admin's password, read from `--admin-password-file` if given.
    pub fn admin_password(&self) -> anyhow::Result<Option<Secret>> {
        read_secret(
            self.admin_password.as_ref(),
            self.admin_password_file.as_ref(),
            "admin password",
        )
    }

    /// The configured Asterisk, or `None` for demo mode.
    pub fn ari_target(&self) -> anyhow::Result<Option<AriTarget>> {
        let Some(url) = &self.ari_url else {
            return Ok(None);
        };
        let password = read_secret(self.ari_password.as_ref(), self.ari_password_file.as_ref(), "ARI password")?
            .ok_or_else(|| anyhow::anyhow!("--ari-url is set but no ARI password: set CONJURE_ARI_PASSWORD or --ari-password-file"))?;
        let base = normalise_base(url)?;
        if self.ari_ca_file.is_some() && !base.starts_with("https://") {
            anyhow::bail!("--ari-ca-file is for an https:// --ari-url; '{base}' is plain HTTP");
        }
        Ok(Some(AriTarget {
            base,
            user: self.ari_user.clone(),
            password,
            timeout: Duration::from_millis(self.ari_timeout_ms),
            connect_timeout: Duration::from_millis(self.ari_connect_timeout_ms),
            ca_file: self.ari_ca_file.clone(),
            max_connections: self.ari_max_connections.max(1),
        }))
    }
}

/// `'self'`, or an origin `https://host[:port]` (a leading `*.` allowed, as CSP allows it).
fn check_origin(origin: &str) -> anyhow::Result<()> {
    let bad = || {
        anyhow::anyhow!(
            "--frame-ancestors '{origin}': give origins like https://portal.example.com, or 'self' \
             (several separated by commas, no spaces or semicolons inside one)"
        )
    };
    if origin == "'self'" {
        return Ok(());
    }
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = rest
        .rsplit_once(':')
        .map_or((rest, None), |(h, p)| (h, Some(p)));
    let host = host.strip_prefix("*.").unwrap_or(host);
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b));
    let port_ok = port.is_none_or(|p| p == "*" || p.parse::<u16>().is_ok());
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

fn read_secret(
    value: Option<&Secret>,
    file: Option<&PathBuf>,
    what: &str,
) -> anyhow::Result<Option<Secret>> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the {what} file {}: {e}", path.display()))?;
        return Ok(Some(Secret::from(text.trim_end_matches(['\r', '\n']))));
    }
    Ok(value.cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ExposeSecret;

    #[test]
    fn base_urls() {
        assert_eq!(
            normalise_base("http://pbx:8088/").unwrap(),
            "http://pbx:8088"
        );
        assert_eq!(
            normalise_base("http://pbx:8088/ari").unwrap(),
            "http://pbx:8088"
        );
        assert!(normalise_base("http://u:p@pbx:8088").is_err());
        assert_eq!(
            normalise_base("https://pbx:8089/ari/").unwrap(),
            "https://pbx:8089"
        );
        assert!(normalise_base("ftp://pbx:8089").is_err());
        assert!(normalise_base("HTTPS//pbx").is_err());
        assert!(normalise_base("http://pbx:port").is_err());
        assert!(normalise_base("pbx:8088").is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        assert!(!format!("{:?}", Secret::from("hunter2")).contains("hunter2"));
        let cli = Cli::parse_from([
            "conjure",
            "--ari-url",
            "http://pbx:8088",
            "--ari-password",
            "hunter2",
            "--admin-password",
            "admin-hunter3",
        ]);
        let shown = format!("{cli:?} {:?}", cli.ari_target().unwrap());
        assert!(!shown.contains("hunter"), "{shown}");
        assert_eq!(
            cli.ari_target().unwrap().unwrap().password.expose_secret(),
            "hunter2"
        );
    }

    #[test]
    fn frame_ancestors_are_origins_and_nothing_else() {
        let cli = |v: &str| Cli::parse_from(["conjure", "--frame-ancestors", v]).frame_ancestors();
        assert_eq!(
            cli("https://portal.example.com,'self', http://10.0.0.5:8443").unwrap(),
            [
                "https://portal.example.com",
                "'self'",
                "http://10.0.0.5:8443"
            ]
        );
        assert!(cli("https://*.example.com").is_ok());
        for bad in [
            "https://a.example.com; script-src *",
            "https://a.example.com https://evil.example",
            "portal.example.com",
            "https://",
            "https://a.example.com:99999",
            "'unsafe-inline'",
            "https://a.example.com/path",
        ] {
            assert!(cli(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn sip_server_is_a_host_with_an_optional_port() {
        let cli = |v: &str| Cli::parse_from(["conjure", "--sip-server", v]).sip_server();
        assert_eq!(
            cli("pbx.example.com").unwrap().as_deref(),
            Some("pbx.example.com")
        );
        assert_eq!(
            cli("pbx.example.com:5061").unwrap().as_deref(),
            Some("pbx.example.com:5061")
        );
        assert_eq!(
            cli("[2001:db8::1]:5060").unwrap().as_deref(),
            Some("[2001:db8::1]:5060")
        );
        assert!(cli("pbx example").is_err() && cli("<script>").is_err());
        assert_eq!(Cli::parse_from(["conjure"]).sip_server().unwrap(), None);
    }
}
