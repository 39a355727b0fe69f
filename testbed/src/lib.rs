//! Where a test's Asterisk is.
//!
//! By default every test gets a fresh [`asterisk_sim::Sim`] on a loopback port. With
//! `CONJURE_TEST_ARI_URL` set (and `CONJURE_TEST_ARI_USER`, `CONJURE_TEST_ARI_PASSWORD`), the same
//! tests run against that real Asterisk instead: then there are no simulator controls (a test that
//! needs them says why and is skipped), and because the server is shared — by the tests of this run,
//! by earlier runs, maybe by people — every object a test makes has an id from [`Upstream::id`],
//! unique to the run and the test, and is deleted again when the test's [`Upstream`] is dropped
//! (also when the test fails). Ids nobody handed out are never touched.

pub mod panel;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use asterisk_sim::Sim;

/// The real Asterisk the run is pointed at, if any.
#[derive(Clone, Debug)]
pub struct RealServer {
    pub url: String,
    pub user: String,
    pub password: String,
    pub ca_file: Option<std::path::PathBuf>,
}

/// `CONJURE_TEST_ARI_URL` and its credentials, read once.
pub fn real_server() -> Option<&'static RealServer> {
    static REAL: OnceLock<Option<RealServer>> = OnceLock::new();
    REAL.get_or_init(|| {
        let url = std::env::var("CONJURE_TEST_ARI_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        Some(RealServer {
            url: url.trim_end_matches('/').to_string(),
            user: std::env::var("CONJURE_TEST_ARI_USER").unwrap_or_else(|_| "asterisk".into()),
            password: std::env::var("CONJURE_TEST_ARI_PASSWORD")
                .unwrap_or_else(|_| "asterisk".into()),
            ca_file: std::env::var_os("CONJURE_TEST_ARI_CA_FILE").map(Into::into),
        })
    })
    .as_ref()
}

/// Whether this run talks to a real Asterisk.
pub fn on_real_asterisk() -> bool {
    real_server().is_some()
}

/// When a test needs what only the simulator can do (restart it, slow it, look inside it): `true` on a
/// real Asterisk, after printing why the test does not run there. Use as
/// `if testbed::skip_on_real("restarts the server") { return; }`.
pub fn skip_on_real(why: &str) -> bool {
    if on_real_asterisk() {
        use std::io::Write;
        let test = std::thread::current()
            .name()
            .unwrap_or("a test")
            .to_string();
        // Straight to stderr: the test harness captures eprintln! of a passing test, and a skip must
        // be seen.
        let _ = writeln!(
            std::io::stderr(),
            "skipped on a real Asterisk: {test}: {why}"
        );
        true
    } else {
        false
    }
}

/// Digits that tell this run from every other: the clock's nanoseconds and the process id.
fn run_tag() -> &'static str {
    static TAG: OnceLock<String> = OnceLock::new();
    TAG.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        format!(
            "{:06}",
            (nanos ^ u128::from(std::process::id()) << 20) % 1_000_000
        )
    })
}

/// The PJSIP types a test may create, in the order their objects can be deleted (an endpoint before the
/// aor and auth it names). `global` is a singleton and never swept.
const SWEEP_ORDER: [&str; 10] = [
    "endpoint",
    "identify",
    "registration",
    "outbound-publish",
    "asterisk-publication",
    "contact",
    "phoneprov",
    "domain_alias",
    "aor",
    "auth",
];

/// A test's Asterisk: its base URL and credentials, the simulator when there is one, and the ids the
/// test was given.
pub struct Upstream {
    pub base: String,
    pub user: String,
    pub password: String,
    /// The CA file that vouches for an `https` server's certificate (`CONJURE_TEST_ARI_CA_FILE`).
    pub ca_file: Option<std::path::PathBuf>,
    sim: Option<Arc<Sim>>,
    made: Mutex<Vec<String>>,
}

impl Upstream {
    /// A fresh simulator with the default users, or the real server.
    pub async fn start() -> Upstream {
        Self::start_with(Sim::default()).await
    }

    /// `sim` served on a loopback port (unused on a real server, where the server's own layout counts).
    pub async fn start_with(sim: Sim) -> Upstream {
        match real_server() {
            Some(real) => Upstream {
                base: real.url.clone(),
                user: real.user.clone(),
                password: real.password.clone(),
                ca_file: real.ca_file.clone(),
                sim: None,
                made: Mutex::default(),
            },
            None => Self::simulated(sim).await,
        }
    }

    /// `sim` on a loopback port even when the run has a real Asterisk: for a test that plays a server
    /// no real one would be (a plain port spoken to with TLS) and touches nothing shared.
    pub async fn simulated(sim: Sim) -> Upstream {
        let sim = Arc::new(sim);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(asterisk_sim::serve(
            listener,
            sim.clone(),
            std::future::pending(),
        ));
        Upstream {
            base,
            user: "asterisk".into(),
            password: "asterisk".into(),
            ca_file: None,
            sim: Some(sim),
            made: Mutex::default(),
        }
    }

    /// A server already listening at `base` (e.g. a simulator a test put behind TLS), with the default
    /// users, trusted through `ca_file`.
    pub fn at(base: &str, ca_file: Option<std::path::PathBuf>) -> Upstream {
        Upstream {
            base: base.to_string(),
            user: "asterisk".into(),
            password: "asterisk".into(),
            ca_file,
            sim: None,
            made: Mutex::default(),
        }
    }

    /// The simulator, for checks only it can answer (how often it crashed, what it logged); `None` on a
    /// real Asterisk, where the test goes on without that check.
    pub fn sim(&self) -> Option<&Arc<Sim>> {
        self.sim.as_ref()
    }

    /// An id for an object or phone user this test makes: `name` with a suffix unique to the run and
    /// the call (digits only after an all-digit name, so extensions and mailboxes stay numbers). The
    /// suffix is added on the simulator too, so the ordinary run proves every test uses its ids.
    pub fn id(&self, name: &str) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let id = if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
            format!("{name}{}{n:03}", run_tag())
        } else {
            format!("{name}-{}{n:03}", run_tag())
        };
        self.made.lock().unwrap().push(id.clone());
        id
    }

    /// Also sweeps `id`, an id the test built from one [`Upstream::id`] gave it (`{id} b`).
    pub fn track(&self, id: &str) {
        self.made.lock().unwrap().push(id.to_string());
    }

    /// An HTTP client for this Asterisk itself, bypassing Conjure: over TLS it trusts the run's CA file
    /// as Conjure does (as a CA, or pinned as the server's exact certificate: see `tls-trust`), so a
    /// certificate made by `openssl req -x509` works here as it does for Conjure.
    pub fn http(&self) -> reqwest::Client {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10));
        let Some(ca) = &self.ca_file else {
            return http.build().unwrap();
        };
        use rustls_pki_types::pem::PemObject;
        let certs: Vec<rustls_pki_types::CertificateDer<'static>> =
            rustls_pki_types::CertificateDer::pem_file_iter(ca)
                .expect("CONJURE_TEST_ARI_CA_FILE is readable")
                .collect::<Result<_, _>>()
                .expect("CONJURE_TEST_ARI_CA_FILE holds PEM certificates");
        let mut roots = rustls::RootCertStore::empty();
        for c in &certs {
            // A certificate that cannot be a CA is still pinned.
            let _ = roots.add(c.clone());
        }
        http.use_preconfigured_tls(tls_trust::client_config(roots, certs))
            .build()
            .unwrap()
    }

    /// Deletes every object with an id this test was given, of every type, from the real Asterisk.
    /// (A simulator is dropped with the test, so there is nothing to sweep.)
    pub async fn sweep(&self) {
        let ids = std::mem::take(&mut *self.made.lock().unwrap());
        if self.sim.is_some() || ids.is_empty() {
            return;
        }
        let http = self.http();
        for ty in SWEEP_ORDER {
            for id in &ids {
                let url = format!(
                    "{}/ari/asterisk/config/dynamic/res_pjsip/{ty}/{}",
                    self.base,
                    escape(id)
                );
                // 404 (never made as this type) is the common answer and fine.
                let _ = http
                    .delete(url)
                    .basic_auth(&self.user, Some(&self.password))
                    .send()
                    .await;
            }
        }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        if self.sim.is_some() || self.made.lock().unwrap().is_empty() {
            return;
        }
        // Drop cannot await, and the test's runtime may be the one dropping us: sweep on a thread of
        // its own, and wait for it, so the next test or run finds the server as it was.
        let me = Upstream {
            base: self.base.clone(),
            user: self.user.clone(),
            password: self.password.clone(),
            ca_file: self.ca_file.clone(),
            sim: None,
            made: Mutex::new(std::mem::take(&mut *self.made.lock().unwrap())),
        };
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(me.sweep());
        })
        .join();
    }
}

/// `id` as one path segment: every byte but the unreserved ones percent-encoded (Asterisk decodes them
/// all, and `+` too, so a literal plus must be `%2B`).
fn escape(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_keep_numbers_numeric() {
        let up = Upstream {
            base: String::new(),
            user: String::new(),
            password: String::new(),
            ca_file: None,
            sim: None,
            made: Mutex::default(),
        };
        let (a, b) = (up.id("2041"), up.id("2041"));
        assert_ne!(a, b);
        assert!(
            a.bytes().all(|c| c.is_ascii_digit()) && a.starts_with("2041"),
            "{a}"
        );
        assert!(up.id("alice").starts_with("alice-"));
        assert_eq!(up.made.lock().unwrap().len(), 3);
        std::mem::take(&mut *up.made.lock().unwrap());
    }

    /// A simulator standing in for a shared real server (no controls handed to the test): what the
    /// test made is gone after the drop, and what somebody else made is still there.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_dropped_upstream_leaves_a_shared_server_as_it_was() {
        let shared = Upstream::simulated(Sim::default()).await;
        let sim = shared.sim().unwrap().clone();
        let http = reqwest::Client::new();
        let put = |id: String, ty: &'static str, body: &'static str| {
            let req = http
                .put(format!(
                    "{}/ari/asterisk/config/dynamic/res_pjsip/{ty}/{}",
                    shared.base,
                    escape(&id)
                ))
                .basic_auth("asterisk", Some("asterisk"))
                .header("content-type", "application/json")
                .body(body);
            async move { assert_eq!(req.send().await.unwrap().status(), 200, "{ty}/{id}") }
        };
        let aor = r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#;
        put("someone-elses".into(), "aor", aor).await;
        {
            let test = Upstream {
                base: shared.base.clone(),
                user: "asterisk".into(),
                password: "asterisk".into(),
                ca_file: None,
                sim: None,
                made: Mutex::default(),
            };
            let (e, x) = (test.id("2041"), test.id("x"));
            put(e.clone(), "aor", aor).await;
            put(e.clone(), "auth", r#"{"fields":[{"attribute":"username","value":"u"},{"attribute":"password","value":"p"}]}"#).await;
            put(
                e.clone(),
                "endpoint",
                r#"{"fields":[{"attribute":"allow","value":"ulaw"}]}"#,
            )
            .await;
            put(
                format!("{x} b/c"),
                "domain_alias",
                r#"{"fields":[{"attribute":"domain","value":"d"}]}"#,
            )
            .await;
            test.track(&format!("{x} b/c"));
            assert_eq!(sim.objects().len(), 5);
        }
        assert_eq!(
            sim.objects(),
            [("aor".to_string(), "someone-elses".to_string())]
        );
    }

    #[test]
    fn escaping_leaves_nothing_asterisk_would_decode() {
        assert_eq!(escape("x/y+z b"), "x%2Fy%2Bz%20b");
        assert_eq!(escape("a-1.b_~"), "a-1.b_~");
    }
}
