//! The client Conjure uses to talk to Asterisk: pooled keep-alive connections, timeouts, and an error for
//! every way a request can fail, each mapped to words an operator can act on.

use model::{CONFIG_CLASS, ObjectId, ObjectType, PutBody};
use reqwest::{Method, StatusCode};

use crate::config::AriTarget;

/// What Asterisk answered.
#[derive(Debug)]
pub struct Upstream {
    pub status: StatusCode,
    pub body: bytes::Bytes,
}

/// Why no answer came back.
#[derive(Debug, thiserror::Error)]
pub enum AriError {
    #[error("Asterisk at {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("Asterisk at {url} did not answer within {secs:.1} s")]
    Timeout { url: String, secs: f64 },
    #[error("Asterisk at {url} closed the connection without answering; it may have crashed or restarted")]
    Closed { url: String },
}

#[derive(Clone)]
pub struct AriClient {
    http: reqwest::Client,
    target: AriTarget,
}

impl AriClient {
    pub fn new(target: AriTarget) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(target.connect_timeout)
            .timeout(target.timeout)
            .pool_max_idle_per_host(32)
            .tcp_nodelay(true)
            .build()
            .expect("a client without TLS always builds");
        AriClient { http, target }
    }

    pub fn base(&self) -> &str {
        &self.target.base
    }

    pub fn user(&self) -> &str {
        &self.target.user
    }

    fn object_url(&self, ty: ObjectType, id: &ObjectId) -> String {
        format!("{}/ari/asterisk/config/dynamic/{CONFIG_CLASS}/{}/{}", self.target.base, ty.as_str(), id.to_path_segment())
    }

    pub async fn get_object(&self, ty: ObjectType, id: &ObjectId) -> Result<Upstream, AriError> {
        self.send(Method::GET, self.object_url(ty, id), None).await
    }

    pub async fn put_object(&self, ty: ObjectType, id: &ObjectId, body: &PutBody) -> Result<Upstream, AriError> {
        self.send(Method::PUT, self.object_url(ty, id), body.to_upstream_json()).await
    }

    pub async fn delete_object(&self, ty: ObjectType, id: &ObjectId) -> Result<Upstream, AriError> {
        self.send(Method::DELETE, self.object_url(ty, id), None).await
    }

    /// `GET /ari/asterisk/info?only=system`: Asterisk's version, and whether our credentials work.
    pub async fn info(&self) -> Result<Upstream, AriError> {
        self.send(Method::GET, format!("{}/ari/asterisk/info?only=system", self.target.base), None).await
    }

    async fn send(&self, method: Method, url: String, json: Option<String>) -> Result<Upstream, AriError> {
        let mut req = self.http.request(method, &url).basic_auth(&self.target.user, Some(&self.target.password.0));
        if let Some(json) = json {
            req = req.header(reqwest::header::CONTENT_TYPE, "application/json").body(json);
        }
        let shown = self.target.base.clone();
        let resp = req.send().await.map_err(|e| classify(e, &shown, self.target.timeout.as_secs_f64()))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| classify(e, &shown, self.target.timeout.as_secs_f64()))?;
        Ok(Upstream { status, body })
    }
}

fn classify(e: reqwest::Error, url: &str, secs: f64) -> AriError {
    let url = url.to_string();
    if e.is_timeout() {
        return AriError::Timeout { url, secs };
    }
    if e.is_connect() {
        let mut reason = String::new();
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
        while let Some(s) = src {
            reason = s.to_string();
            src = s.source();
        }
        if reason.is_empty() {
            reason = "connection failed".into();
        }
        return AriError::Unreachable { url, reason };
    }
    AriError::Closed { url }
}
