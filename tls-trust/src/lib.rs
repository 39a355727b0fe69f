//! How Conjure trusts an Asterisk's TLS certificate. The certificates an admin gives (`--ari-ca-file`,
//! a server's `ca_file`) are trusted two ways: as CAs that signed the server's certificate (webpki's
//! rules, unchanged), and as the very certificate the server presents, byte for byte (pinned), whatever
//! its flags say.
//!
//! Pinning is what makes the usual self-signed Asterisk work: `openssl req -x509` with OpenSSL 3's
//! defaults marks the certificate `CA:TRUE` and gives it no subject alternative name, so webpki refuses
//! it as a server's own certificate (`CaUsedAsEndEntity`, or no name to match) even when it is the
//! one trusted. A pinned certificate is the server's identity: its flags are not asked, nor its name
//! when it names no host, but the handshake's signature is still checked against it, so only who holds
//! its private key passes.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

/// A pinned certificate that names hosts must name this one (the admin may have pinned the right
/// certificate for the wrong address); one that names none (`openssl req -x509`'s CN-only shape) is
/// the server's identity by itself.
fn names_fit(cert: &CertificateDer<'_>, server_name: &ServerName<'_>) -> Result<(), rustls::Error> {
    let Ok(parsed) = webpki::EndEntityCert::try_from(cert) else {
        return Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::BadEncoding,
        ));
    };
    if parsed.verify_is_valid_for_subject_name(server_name).is_ok()
        || parsed.valid_dns_names().next().is_none()
    {
        Ok(())
    } else {
        Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForName,
        ))
    }
}

/// A client configuration trusting `roots` as CAs and `pinned` as exact server certificates (ring,
/// rustls' safe default protocol versions, no client certificate).
pub fn client_config(roots: RootCertStore, pinned: Vec<CertificateDer<'static>>) -> ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions");
    if pinned.is_empty() {
        return builder.with_root_certificates(roots).with_no_client_auth();
    }
    let webpki = if roots.is_empty() {
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .expect("a store with roots builds a verifier"),
        )
    };
    builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned {
            pinned,
            webpki,
            provider,
        }))
        .with_no_client_auth()
}

#[derive(Debug)]
struct Pinned {
    pinned: Vec<CertificateDer<'static>>,
    /// The CAs' verdict for any other certificate (`None`: no CA is trusted, only the pinned).
    webpki: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self
            .pinned
            .iter()
            .any(|p| p.as_ref() == end_entity.as_ref())
        {
            return names_fit(end_entity, server_name).map(|()| ServerCertVerified::assertion());
        }
        match &self.webpki {
            Some(w) => {
                w.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
