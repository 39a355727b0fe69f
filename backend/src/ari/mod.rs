//! The client Conjure uses to talk to Asterisk: pooled keep-alive connections, timeouts, and an error for
//! every way a request can fail, each worded so an operator can act on it.

mod http1;

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use model::{CONFIG_CLASS, ObjectId, ObjectType, PutBody};

use crate::config::{AriTarget, ExposeSecret};

/// What Asterisk answered.
#[derive(Debug)]
pub struct Upstream {
    pub status: u16,
    pub body: Bytes,
}

/// Why no answer came back.
#[derive(Debug, thiserror::Error)]
pub enum AriError {
    #[error("Asterisk at {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("Asterisk at {url} did not answer within {secs:.1} s")]
    Timeout { url: String, secs: f64 },
    #[error(
        "Asterisk at {url} closed the connection without answering; it may have crashed or restarted"
    )]
    Closed { url: String },
    #[error("Asterisk at {url} answered something that is not HTTP/1.1 as expected: {what}")]
    Malformed { url: String, what: String },
}

#[derive(Clone)]
pub struct AriClient {
    inner: Arc<Inner>,
}

struct Inner {
    pool: http1::Pool,
    target: AriTarget,
    /// Path prefix of Asterisk's HTTP server (http.conf `prefix`), usually empty.
    prefix: String,
    /// `Authorization: Basic …\r\n`, computed once.
    auth_line: String,
}

impl AriClient {
    pub fn new(target: AriTarget) -> Self {
        let rest = target.base.strip_prefix("http://").unwrap_or(&target.base);
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (
                rest[..i].to_string(),
                rest[i..].trim_end_matches('/').to_string(),
            ),
            None => (rest.to_string(), String::new()),
        };
        let creds = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            target.user,
            target.password.expose_secret()
        ));
        let pool = http1::Pool::new(authority, target.connect_timeout, target.timeout);
        AriClient {
            inner: Arc::new(Inner {
                pool,
                prefix,
                auth_line: format!("Authorization: Basic {creds}\r\n"),
                target,
            }),
        }
    }

    pub fn base(&self) -> &str {
        &self.inner.target.base
    }

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

    pub async fn get_object(&self, ty: ObjectType, id: &ObjectId) -> Result<Upstream, AriError> {
        self.send("GET", &self.object_path(ty, id), None).await
    }

    pub async fn put_object(
        &self,
        ty: ObjectType,
        id: &ObjectId,
        body: &PutBody,
    ) -> Result<Upstream, AriError> {
        let json = body.to_upstream_json();
        self.send(
            "PUT",
            &self.object_path(ty, id),
            json.as_deref().map(str::as_bytes),
        )
        .await
    }

    pub async fn delete_object(&self, ty: ObjectType, id: &ObjectId) -> Result<Upstream, AriError> {
        self.send("DELETE", &self.object_path(ty, id), None).await
    }

    /// `GET /ari/endpoints/PJSIP`: every PJSIP endpoint Asterisk knows, however it was configured.
    pub async fn pjsip_endpoints(&self) -> Result<Upstream, AriError> {
        self.send(
            "GET",
            &format!("{}/ari/endpoints/PJSIP", self.inner.prefix),
            None,
        )
        .await
    }

    /// `GET /ari/asterisk/info?only=system`: Asterisk's version, and whether our credentials work.
    pub async fn info(&self) -> Result<Upstream, AriError> {
        self.send(
            "GET",
            &format!("{}/ari/asterisk/info?only=system", self.inner.prefix),
            None,
        )
        .await
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Upstream, AriError> {
        let url = self.inner.target.base.clone();
        match self
            .inner
            .pool
            .send(method, path, &self.inner.auth_line, body)
            .await
        {
            Ok(r) => Ok(Upstream {
                status: r.status,
                body: r.body,
            }),
            Err(http1::Failure::Connect(e)) => Err(AriError::Unreachable {
                url,
                reason: e.to_string(),
            }),
            Err(http1::Failure::ConnectTimeout) => Err(AriError::Unreachable {
                url,
                reason: format!(
                    "no connection within {:.1} s",
                    self.inner.target.connect_timeout.as_secs_f64()
                ),
            }),
            Err(http1::Failure::Timeout) => Err(AriError::Timeout {
                url,
                secs: self.inner.target.timeout.as_secs_f64(),
            }),
            Err(http1::Failure::Closed) => Err(AriError::Closed { url }),
            Err(http1::Failure::Malformed(what)) => Err(AriError::Malformed { url, what }),
        }
    }
}
