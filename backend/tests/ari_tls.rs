//! Conjure and an Asterisk over TLS (`http.conf` `tlsenable`): the simulator's own TLS listener with
//! certificates made for the test (rcgen), the walk-through end to end, and every way TLS goes wrong,
//! each with words an admin can act on.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use asterisk_sim::{Sim, default_users};
use common::admin;
use common::{ADMIN, call, router, target};
use conjure::ari::AriClient;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls;

/// A certificate for `names`, its key, and the PEM a CA file would hold to trust it: the certificate
/// itself when self-signed, else the CA that signed it.
struct Cert {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    trust_pem: String,
}

fn self_signed(names: &[&str]) -> Cert {
    let made =
        rcgen::generate_simple_self_signed(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    Cert {
        chain: vec![made.cert.der().clone()],
        key: PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()).into(),
        trust_pem: made.cert.pem(),
    }
}

fn signed_by_a_ca(names: &[&str]) -> Cert {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    Cert {
        chain: vec![cert.der().clone(), ca.der().clone()],
        key: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        trust_pem: ca.pem(),
    }
}

/// The simulator behind TLS with `cert`: its port.
async fn tls_sim(cert: &Cert) -> u16 {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(cert.chain.clone(), cert.key.clone_key())
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(asterisk_sim::serve_tls(
        listener,
        Arc::new(Sim::new(default_users())),
        Arc::new(config),
        std::future::pending(),
    ));
    port
}

fn ca_file(pem: &str, name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("conjure-tls-{}-{name}.pem", std::process::id()));
    std::fs::write(&path, pem).unwrap();
    path
}

/// Conjure in front of `url`, trusting `ca` besides the public CAs.
fn conjure(url: &str, ca: Option<PathBuf>) -> axum::Router {
    router(conjure::AriTarget {
        ca_file: ca,
        ..target(url, "asterisk", "asterisk")
    })
}

async fn read(app: &axum::Router) -> (u16, String, String) {
    let r = admin(app).get("/api/objects/auth/tls-check").await;
    let j = r.json();
    (
        r.status.as_u16(),
        j["message"].as_str().unwrap_or_default().to_string(),
        j["hint"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn the_walk_through_over_tls_with_a_self_signed_or_ca_signed_certificate() {
    for (what, cert) in [
        ("self-signed", self_signed(&["localhost"])),
        ("CA-signed", signed_by_a_ca(&["localhost"])),
    ] {
        let port = tls_sim(&cert).await;
        let app = conjure(
            &format!("https://localhost:{port}"),
            Some(ca_file(&cert.trust_pem, what)),
        );
        let steps: [(&str, &str, Option<&str>, u16); 7] = [
            (
                "PUT",
                "/api/objects/auth/1000",
                Some(
                    r#"{"fields":[{"attribute":"username","value":"1000"},{"attribute":"password","value":"tls-secret-1"}]}"#,
                ),
                200,
            ),
            (
                "PUT",
                "/api/objects/aor/1000",
                Some(r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#),
                200,
            ),
            (
                "PUT",
                "/api/objects/endpoint/1000",
                Some(
                    r#"{"fields":[{"attribute":"auth","value":"1000"},{"attribute":"aors","value":"1000"},{"attribute":"allow","value":"ulaw"}]}"#,
                ),
                200,
            ),
            ("GET", "/api/objects/endpoint/1000", None, 200),
            (
                "PUT",
                "/api/objects/endpoint/1000",
                Some(r#"{"fields":[{"attribute":"context","value":"sales"}]}"#),
                200,
            ),
            ("DELETE", "/api/objects/endpoint/1000", None, 204),
            ("GET", "/api/objects/endpoint/1000", None, 404),
        ];
        for (method, uri, body, expected) in steps {
            let r = call(&app, method, uri, Some(ADMIN), body).await;
            assert_eq!(r.status, expected, "{what}: {method} {uri}: {}", r.text);
        }
        let r = admin(&app).get("/api/objects/auth/1000").await;
        assert!(
            !r.text.contains("tls-secret-1"),
            "secrets stay on the backend"
        );
    }
}

#[tokio::test]
async fn a_certificate_nobody_vouched_for_names_the_flag_to_fix_it() {
    let cert = self_signed(&["localhost"]);
    let port = tls_sim(&cert).await;
    let app = conjure(&format!("https://localhost:{port}"), None);
    let (status, message, hint) = read(&app).await;
    assert_eq!(status, 502);
    assert!(
        message.contains("not signed by a CA Conjure trusts"),
        "{message}"
    );
    assert!(hint.contains("--ari-ca-file"), "{hint}");
    // A CA file that does not hold this certificate says so, naming the file.
    let other = ca_file(&self_signed(&["localhost"]).trust_pem, "other");
    let app = conjure(&format!("https://localhost:{port}"), Some(other.clone()));
    let (_, _, hint) = read(&app).await;
    assert!(hint.contains(&other.display().to_string()), "{hint}");
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let cert = self_signed(&["pbx.example.com"]);
    let port = tls_sim(&cert).await;
    let app = conjure(
        &format!("https://localhost:{port}"),
        Some(ca_file(&cert.trust_pem, "name")),
    );
    let (status, message, hint) = read(&app).await;
    assert_eq!(status, 502);
    assert!(message.contains("not made out to 'localhost'"), "{message}");
    assert!(hint.contains("host name the certificate names"), "{hint}");
}

#[tokio::test]
async fn tls_to_a_plain_port_and_plain_http_to_a_tls_port_say_which_to_use() {
    let plain = common::Upstream::simulated(Sim::default()).await;
    let app = conjure(&plain.base.replace("http://", "https://"), None);
    let (status, message, hint) = read(&app).await;
    assert_eq!(status, 502);
    // Asterisk's plain server waits for a request line that a ClientHello never ends, or hangs up
    // when the ClientHello's random bytes happen to hold a line end.
    assert!(
        message.contains("did not finish a TLS handshake")
            || message.contains("closed the connection during the TLS handshake"),
        "{message}"
    );
    assert!(hint.contains("use http://"), "{hint}");
    // A plain server that answers at once (a proxy's 400) is told apart by its answer.
    let answering = answer_with(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
    let app = conjure(&format!("https://localhost:{answering}"), None);
    let (_, message, hint) = read(&app).await;
    assert!(message.contains("answered without TLS"), "{message}");
    assert!(hint.contains("use http://"), "{hint}");

    let cert = self_signed(&["localhost"]);
    let port = tls_sim(&cert).await;
    let app = conjure(&format!("http://localhost:{port}"), None);
    let (status, message, hint) = read(&app).await;
    assert_eq!(status, 502, "{message}");
    assert!(hint.contains("https://"), "{message} / {hint}");
}

/// A server that answers whatever it is sent with `bytes` and closes: its port.
async fn answer_with(bytes: &'static [u8]) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(bytes).await;
        }
    });
    port
}

#[tokio::test]
async fn an_asterisk_that_refuses_the_handshake_is_named() {
    // A fatal handshake_failure alert, as from a server with no cipher in common.
    let port = answer_with(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]).await;
    let app = conjure(&format!("https://localhost:{port}"), None);
    let (status, message, _) = read(&app).await;
    assert_eq!(status, 502);
    assert!(message.contains("refused the TLS handshake"), "{message}");
}

#[test]
fn ca_files_that_cannot_be_used_are_refused_at_start() {
    let url = "https://localhost:8089";
    let make = |ca: PathBuf| {
        AriClient::new(conjure::AriTarget {
            ca_file: Some(ca),
            ..target(url, "asterisk", "asterisk")
        })
        .err()
        .map(|e| e.to_string())
    };
    let missing = make("/nonexistent/ca.pem".into()).unwrap();
    assert!(
        missing.contains("cannot read --ari-ca-file /nonexistent/ca.pem"),
        "{missing}"
    );
    let empty = make(ca_file("not a certificate\n", "empty")).unwrap();
    assert!(empty.contains("holds no PEM certificate"), "{empty}");
    assert!(make(ca_file(&self_signed(&["localhost"]).trust_pem, "ok")).is_none());
}

/// A certificate made as admins make one, with the `openssl` binary and its defaults: OpenSSL 3's
/// `req -x509` marks it `CA:TRUE` and gives it no subject alternative name. Returned with its PEM.
fn made_by_openssl(name: &str) -> Cert {
    use rustls_pki_types::pem::PemObject;
    let dir = std::env::temp_dir().join(format!("conjure-openssl-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
        ])
        .arg(format!("/CN={name}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("the openssl binary is on the machine");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("CA:TRUE"), "the shape users hit: {text}");
    Cert {
        chain: vec![CertificateDer::from_pem_file(&cert).unwrap()],
        key: PrivateKeyDer::from_pem_file(&key).unwrap(),
        trust_pem: std::fs::read_to_string(&cert).unwrap(),
    }
}

#[tokio::test]
async fn a_certificate_from_a_plain_openssl_req_x509_is_trusted_when_given() {
    let cert = made_by_openssl("pbx");
    let port = tls_sim(&cert).await;
    let pem = ca_file(&cert.trust_pem, "openssl");
    // By the name it carries only in its subject, and by an address: the certificate itself is trusted.
    for url in [
        format!("https://localhost:{port}"),
        format!("https://127.0.0.1:{port}"),
    ] {
        let app = conjure(&url, Some(pem.clone()));
        let (status, message, _) = read(&app).await;
        assert_eq!(status, 404, "{url}: {message}");
    }
    // Not given, it is still refused; another openssl certificate pinned does not stand in for it.
    let app = conjure(&format!("https://localhost:{port}"), None);
    assert_eq!(read(&app).await.0, 502);
    let other = ca_file(&made_by_openssl("other").trust_pem, "openssl-other");
    let app = conjure(&format!("https://localhost:{port}"), Some(other));
    let (status, message, _) = read(&app).await;
    assert_eq!(status, 502, "{message}");
    // The tests' own client to a real Asterisk trusts it the same way (CONJURE_TEST_ARI_CA_FILE).
    let up = common::Upstream::at(&format!("https://localhost:{port}"), Some(pem));
    let r = up
        .http()
        .get(format!("{}/ari/asterisk/info", up.base))
        .basic_auth("asterisk", Some("asterisk"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
