//! TLS to Asterisk (`http.conf` `tlsenable`), with rustls: the public CAs (webpki-roots) plus the
//! certificates of `--ari-ca-file`, for the usual self-signed or private-CA Asterisk. Verification is
//! always on: there is no switch to turn it off, so a wrong certificate is an error to fix, not a
//! warning to click away.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, CertificateError, ClientConfig, RootCertStore};

/// Why a CA file cannot be used; said at start.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum CaFileError {
    #[error("cannot read --ari-ca-file {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error(
        "--ari-ca-file {path} holds no PEM certificate (a file starting with -----BEGIN CERTIFICATE-----)"
    )]
    Empty { path: PathBuf },
}

/// The client configuration for one Asterisk: public CAs, plus `ca_file`'s certificates, each trusted
/// two ways: as a CA that signed the server's certificate, and as the very certificate the server
/// presents (pinned), whatever its flags say. `openssl req -x509` with OpenSSL 3's defaults makes a
/// self-signed certificate marked `CA:TRUE` and without a subject alternative name: webpki refuses it as
/// a server's own certificate (`CaUsedAsEndEntity`, or no name), yet it is exactly what the admin gave.
pub fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, CaFileError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut pinned = Vec::new();
    if let Some(path) = ca_file {
        let unreadable = |reason: String| CaFileError::Unreadable {
            path: path.to_path_buf(),
            reason,
        };
        std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| unreadable(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| unreadable(e.to_string()))?;
        if certs.is_empty() {
            return Err(CaFileError::Empty {
                path: path.to_path_buf(),
            });
        }
        let mut refused = None;
        for cert in certs {
            // One that cannot be a CA can still be the server's own, pinned.
            if let Err(e) = roots.add(cert.clone()) {
                refused.get_or_insert(e.to_string());
            }
            pinned.push(cert);
        }
        if let Some(reason) = refused {
            tracing::info!(
                path = %path.display(),
                reason,
                "a certificate of the CA file cannot sign others; it is trusted only when the server presents it"
            );
        }
    }
    Ok(Arc::new(tls_trust::client_config(roots, pinned)))
}

/// The name the certificate must carry: the host of `--ari-url`.
pub fn server_name(host: &str) -> Result<ServerName<'static>, String> {
    ServerName::try_from(host.trim_matches(['[', ']']).to_string())
        .map_err(|_| format!("'{host}' is not a host name TLS can check a certificate against"))
}

/// A handshake that never finished: Asterisk's plain HTTP server waits for a request line that a
/// ClientHello never completes, until its session timeout.
pub fn explain_timeout(host: &str, secs: f64) -> (String, String) {
    (
        format!("{host} did not finish a TLS handshake within {secs:.1} s"),
        "That port may speak plain HTTP: use http:// in --ari-url, or the TLS port of http.conf \
         (tlsbindaddr, usually 8089)."
            .into(),
    )
}

/// What went wrong in a TLS handshake, in words an admin can act on, and what to do about it.
pub fn explain(e: &std::io::Error, host: &str, ca_file: Option<&Path>) -> (String, String) {
    let tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let ca = ca_file.map_or("--ari-ca-file".to_string(), |p| p.display().to_string());
    match tls {
        // A CA file holding another certificate of the same name fails on the signature instead.
        Some(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        )) => (
            format!("Asterisk's certificate at {host} is not signed by a CA Conjure trusts"),
            match ca_file {
                None => "A self-signed Asterisk certificate needs --ari-ca-file with that certificate \
                         (or the CA that signed it), e.g. the tlscertfile of http.conf."
                    .into(),
                Some(_) => format!(
                    "{ca} does not hold the certificate Asterisk presents, nor the CA that signed it."
                ),
            },
        ),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => (
            format!("Asterisk's certificate is not made out to '{host}'"),
            "Use in --ari-url the host name the certificate names, or make a certificate for this name."
                .into(),
        ),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        )) => (
            format!("Asterisk's certificate at {host} has expired"),
            "Renew the certificate named by tlscertfile in Asterisk's http.conf.".into(),
        ),
        Some(rustls::Error::InvalidCertificate(other)) => (
            format!("Asterisk's certificate at {host} was refused: {other}"),
            "Check the certificate named by tlscertfile in Asterisk's http.conf.".into(),
        ),
        Some(rustls::Error::InvalidMessage(_)) => (
            format!("{host} answered without TLS"),
            "That port speaks plain HTTP: use http:// in --ari-url, or the TLS port of http.conf \
             (tlsbindaddr, usually 8089)."
                .into(),
        ),
        Some(rustls::Error::AlertReceived(alert)) => (
            format!("Asterisk at {host} refused the TLS handshake ({alert:?})"),
            "Check Asterisk's log and the TLS settings of http.conf.".into(),
        ),
        Some(other) => (
            format!("TLS with {host} failed: {other}"),
            "Check the TLS settings of http.conf.".into(),
        ),
        // A plain HTTP server that finds a line end among the ClientHello's random bytes reads a
        // request line it cannot parse and hangs up.
        None if e.kind() == std::io::ErrorKind::UnexpectedEof => (
            format!("{host} closed the connection during the TLS handshake"),
            "That port may speak plain HTTP: use http:// in --ari-url, or check tlsenable and \
             tlsbindaddr in http.conf."
                .into(),
        ),
        None => (
            format!("TLS with {host} failed: {e}"),
            "Check the TLS settings of http.conf.".into(),
        ),
    }
}
