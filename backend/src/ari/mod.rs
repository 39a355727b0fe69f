//! The client Conjure uses to talk to Asterisk: hyper over plain TCP or rustls, a bounded pool of
//! keep-alive connections, timeouts, and an error for every way a request can fail, each worded so an
//! operator can act on it.

pub mod endpoints;
mod pool;
mod refusal;
mod target;
pub mod tls;

pub use target::{AriTarget, normalise_base};

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use hyper::Method;
use hyper::header::HeaderValue;
use model::{CONFIG_CLASS, ObjectId, ObjectType, PutBody};

use crate::secret::ExposeSecret;

pub use pool::MAX_RESPONSE;
pub use refusal::{Reason, Refusal};

/// What Asterisk answered.
#[derive(Debug, Clone)]
pub struct Upstream {
    /// The HTTP status Asterisk answered with.
    pub status: u16,
    /// The body it answered, as it sent it.
    pub body: Bytes,
}

/// Why no answer came back.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum AriError {
    #[error("Asterisk at {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{what}")]
    Tls {
        url: String,
        what: String,
        hint: String,
    },
    #[error("Asterisk at {url} did not answer within {secs:.1} s")]
    Timeout { url: String, secs: f64 },
    #[error(
        "Asterisk at {url} closed the connection without answering; it may have crashed or restarted"
    )]
    Closed {
        url: String,
        /// The request may have reached Asterisk (a change may have been applied).
        sent: bool,
    },
    #[error("Asterisk at {url} answered something that is not HTTP/1.1 as expected: {what}")]
    Malformed { url: String, what: String },
    #[error("Asterisk at {url} sent an answer larger than {} MB", MAX_RESPONSE >> 20)]
    TooLarge { url: String },
    /// Conjure holds as many requests for that Asterisk as it will: refused before it was sent.
    #[error(
        "Conjure is sending Asterisk at {url} as many requests as it holds at once; nothing was sent"
    )]
    Busy { url: String },
}

/// Why a client cannot be made for a target: said at start.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    CaFile(#[from] tls::CaFileError),
    #[error("--ari-url {url}: {why}")]
    Url { url: String, why: String },
}

#[derive(Clone)]
/// One Asterisk's ARI, for push configuration: a connection pool with a lane kept for the watcher, and the polled reads shared by all who ask. Cheap to clone.
pub struct AriClient {
    inner: Arc<Inner>,
}

struct Inner {
    pool: pool::Pool,
    target: AriTarget,
    /// Path prefix of Asterisk's HTTP server (http.conf `prefix`), usually empty.
    prefix: String,
    /// `Basic …`, computed once.
    auth: HeaderValue,
    /// What pages poll, read once for all who ask at once (Asterisk's info also kept a second).
    info: crate::cache::Shared<Upstream>,
    endpoints: crate::cache::Shared<endpoints::Endpoints>,
}

/// How long a polled answer (Asterisk's info, the endpoints' states) is reused.
const POLLED_KEPT: std::time::Duration = std::time::Duration::from_secs(1);

impl AriClient {
    /// A client for `target` (`http://` or `https://`, checked by [`normalise_base`]).
    pub fn new(target: AriTarget) -> Result<Self, SetupError> {
        let (https, rest) = match target.base.strip_prefix("https://") {
            Some(rest) => (true, rest),
            None => (
                false,
                target.base.strip_prefix("http://").unwrap_or(&target.base),
            ),
        };
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (
                rest[..i].to_string(),
                rest[i..].trim_end_matches('/').to_string(),
            ),
            None => (rest.to_string(), String::new()),
        };
        let host = match authority.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => h.to_string(),
            _ => authority.clone(),
        };
        // A URL without a port means the scheme's (Asterisk itself listens on 8088 and 8089).
        let authority = if host == authority {
            format!("{host}:{}", if https { 443 } else { 80 })
        } else {
            authority
        };
        let tls = if https {
            let config = tls::client_config(target.ca_file.as_deref())?;
            let name = tls::server_name(&host).map_err(|why| SetupError::Url {
                url: target.base.clone(),
                why,
            })?;
            Some((tokio_rustls::TlsConnector::from(config), name))
        } else {
            None
        };
        let creds = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            target.user,
            target.password.expose_secret()
        ));
        let mut auth = HeaderValue::from_str(&format!("Basic {creds}"))
            .expect("base64 is a valid header value");
        auth.set_sensitive(true);
        let endpoint = pool::Endpoint {
            authority,
            host,
            tls,
            ca_file: target.ca_file.clone(),
        };
        let pool = pool::Pool::new(
            endpoint,
            target.max_connections,
            target.connect_timeout,
            target.timeout,
        );
        Ok(AriClient {
            inner: Arc::new(Inner {
                pool,
                prefix,
                auth,
                target,
                info: crate::cache::Shared::new(POLLED_KEPT),
                endpoints: crate::cache::Shared::new(endpoints::KEPT),
            }),
        })
    }

    /// What this client was made for (its password stays inside [`crate::Secret`]).
    pub fn target(&self) -> &AriTarget {
        &self.inner.target
    }

    /// The ARI base URL, as configured (what the audit log names as the server).
    pub fn base(&self) -> &str {
        &self.inner.target.base
    }

    /// What an error answer of Asterisk's means.
    pub fn refusal(&self, up: &Upstream) -> Refusal {
        Refusal::new(up, self.user())
    }

    /// The ARI user Conjure signs in as.
    pub fn user(&self) -> &str {
        &self.inner.target.user
    }

    fn object_path(&self, ty: ObjectType, id: &ObjectId) -> String {
        format!(
            "{}/ari/asterisk/config/dynamic/{CONFIG_CLASS}/{}/{}",
            self.inner.prefix,
            ty.as_str(),
            id.to_path_segment()
        )
    }

    /// `GET` of one object of the dynamic configuration.
    pub async fn get_object(&self, ty: ObjectType, id: &ObjectId) -> Result<Upstream, AriError> {
        self.send("GET", &self.object_path(ty, id), None).await
    }

    /// `PUT` of one object (create or update): `body` is already checked and is sent as it renders.
    pub async fn put_object(
        &self,
        ty: ObjectType,
        id: &ObjectId,
        body: &PutBody,
    ) -> Result<Upstream, AriError> {
        let json = body.to_upstream_json();
        let sent = self
            .send(
                "PUT",
                &self.object_path(ty, id),
                json.as_deref().map(str::as_bytes),
            )
            .await;
        self.forget_endpoints(ty);
        sent
    }

    /// `DELETE` of one object.
    pub async fn delete_object(&self, ty: ObjectType, id: &ObjectId) -> Result<Upstream, AriError> {
        let sent = self.send("DELETE", &self.object_path(ty, id), None).await;
        self.forget_endpoints(ty);
        sent
    }

    /// A change of an endpoint, answered or not, makes the kept list stale: whoever asks after it
    /// reads the list again.
    fn forget_endpoints(&self, ty: ObjectType) {
        if ty == ObjectType::Endpoint {
            self.inner.endpoints.clear();
        }
    }

    /// `GET /ari/endpoints/PJSIP`: every PJSIP endpoint Asterisk knows, however it was configured, and
    /// its state. One read for everyone who asks at once or within [`endpoints::KEPT`].
    pub async fn pjsip_endpoints(&self) -> Result<endpoints::Endpoints, endpoints::EndpointsError> {
        self.inner.endpoints.get(|| self.read_endpoints()).await
    }

    /// [`AriClient::pjsip_endpoints`] as it is now: a list whose read began after this call (drift's
    /// check must find an endpoint made by hand a moment ago). Shared with those who ask meanwhile.
    pub async fn pjsip_endpoints_now(
        &self,
    ) -> Result<endpoints::Endpoints, endpoints::EndpointsError> {
        self.inner
            .endpoints
            .get_fresh(|| self.read_endpoints())
            .await
    }

    async fn read_endpoints(&self) -> Result<endpoints::Endpoints, endpoints::EndpointsError> {
        endpoints::answered(self.get_ari("endpoints/PJSIP").await, |up| self.refusal(up))
    }

    /// `GET /ari/asterisk/info?only=system`: Asterisk's version, and whether our credentials work.
    /// Shared by everyone who asks within a second (every open page's status bar asks).
    pub async fn info(&self) -> Result<Upstream, AriError> {
        self.inner
            .info
            .get(|| self.get_ari("asterisk/info?only=system"))
            .await
    }

    /// `GET /ari/asterisk/info?only=status,system`: when Asterisk started and last reloaded, and its
    /// version (the watcher's).
    /// Sent on the watcher's own connection slot: no crowd of other requests can make it wait, and
    /// so none can make the watcher believe Asterisk is down.
    pub async fn status_info(&self) -> Result<Upstream, AriError> {
        self.get_ari_on("asterisk/info?only=status,system", pool::Lane::Watcher)
            .await
    }

    /// `GET /ari/{rest}` (a fixed path of ours, never a client's).
    async fn get_ari(&self, rest: &str) -> Result<Upstream, AriError> {
        self.get_ari_on(rest, pool::Lane::Shared).await
    }

    async fn get_ari_on(&self, rest: &str, lane: pool::Lane) -> Result<Upstream, AriError> {
        let path = format!("{}/ari/{rest}", self.inner.prefix);
        self.send_as("GET", &path, None, lane).await
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Upstream, AriError> {
        self.send_as(method, path, body, pool::Lane::Shared).await
    }

    async fn send_as(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        lane: pool::Lane,
    ) -> Result<Upstream, AriError> {
        let url = self.inner.target.base.clone();
        let method = Method::from_bytes(method.as_bytes()).expect("our methods are valid");
        let body = body.map(Bytes::copy_from_slice);
        match self
            .inner
            .pool
            .send(method, path, &self.inner.auth, body, lane)
            .await
        {
            Ok(r) => Ok(Upstream {
                status: r.status,
                body: r.body,
            }),
            Err(pool::Failure::Connect(e)) => Err(AriError::Unreachable {
                url,
                reason: e.to_string(),
            }),
            Err(pool::Failure::ConnectTimeout) => Err(AriError::Unreachable {
                url,
                reason: format!(
                    "no connection within {:.1} s",
                    self.inner.target.connect_timeout.as_secs_f64()
                ),
            }),
            Err(pool::Failure::Tls { what, hint }) => Err(AriError::Tls { url, what, hint }),
            Err(pool::Failure::Timeout) => Err(AriError::Timeout {
                url,
                secs: self.inner.target.timeout.as_secs_f64(),
            }),
            Err(pool::Failure::Closed { sent }) => Err(AriError::Closed { url, sent }),
            Err(pool::Failure::Malformed(what)) => Err(AriError::Malformed { url, what }),
            Err(pool::Failure::TooLarge) => Err(AriError::TooLarge { url }),
            Err(pool::Failure::Busy) => Err(AriError::Busy { url }),
        }
    }
}
