//! Connections to one Asterisk over hyper's HTTP/1.1 client, plain or TLS: a bounded number of them
//! (Asterisk's `http.conf` `sessionlimit` is shared with its other ARI clients, so a flood on Conjure's
//! doors must queue here instead of exhausting it), kept alive and reused, with a connect timeout, a
//! total timeout and a cap on the answer's size.
//!
//! Only requests that provably never left are sent again: a GET after any failure before its answer
//! (reading twice changes nothing), any method that hyper hands back unsent. A PUT or DELETE that was
//! written and lost its connection is reported, never repeated: Asterisk may have applied it.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_rustls::TlsConnector;

use super::tls;

/// Answers above this size are refused: no ARI config answer comes near it (an endpoint is ~10 KB).
pub const MAX_RESPONSE: usize = 4 << 20;

/// A response: status and body.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub body: Bytes,
}

/// How a request failed, before it is worded for a person (`AriError`).
#[derive(Debug)]
pub enum Failure {
    Connect(std::io::Error),
    ConnectTimeout,
    /// The TLS handshake failed: what happened, and what to do.
    Tls {
        what: String,
        hint: String,
    },
    Timeout,
    /// The connection ended before a complete answer; `sent`: the request may have reached Asterisk.
    Closed {
        sent: bool,
    },
    /// The answer was not HTTP/1.x as expected.
    Malformed(String),
    TooLarge,
    /// More requests wait for a connection than [`MAX_WAITING`]: answered at once instead of queued.
    Busy,
}

/// Requests that may wait for a connection to one Asterisk; past this a request is refused at once
/// (503 with `Retry-After`) rather than held, each waiting one holding its client's memory.
pub const MAX_WAITING: usize = 512;

/// Which permits a request takes: everyone's, or the one kept for the watcher, so that the watcher's
/// look at Asterisk never waits behind other traffic (and never mistakes a crowd for an outage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Shared,
    Watcher,
}

/// How to reach the server: where, and whether over TLS.
pub struct Endpoint {
    /// `host:port` to connect to, also the `Host` header.
    pub authority: String,
    pub host: String,
    pub tls: Option<(TlsConnector, ServerName<'static>)>,
    /// Named in TLS errors ("pass it with --ari-ca-file").
    pub ca_file: Option<PathBuf>,
}

pub struct Pool {
    endpoint: Endpoint,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
    /// One permit per request in flight: with one request per HTTP/1.1 connection, never more
    /// connections than permits.
    slots: Semaphore,
    /// The watcher's own permit (one connection more than `slots`).
    watcher: Semaphore,
    /// Requests waiting for one of `slots`.
    waiting: std::sync::atomic::AtomicUsize,
    connect_timeout: Duration,
    timeout: Duration,
}

enum Attempt {
    Done(RawResponse),
    /// Safe to send again on another connection.
    Again(Box<Request<Full<Bytes>>>),
    Failed(Failure),
}

impl Pool {
    pub fn new(
        endpoint: Endpoint,
        max_connections: usize,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Self {
        Pool {
            endpoint,
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(max_connections.max(1)),
            watcher: Semaphore::new(1),
            waiting: Default::default(),
            connect_timeout,
            timeout,
        }
    }

    /// Sends one request and reads the whole answer, within the total timeout (queueing for a free
    /// connection included).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        auth: &hyper::header::HeaderValue,
        body: Option<Bytes>,
        lane: Lane,
    ) -> Result<RawResponse, Failure> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, &self.endpoint.authority)
            .header(hyper::header::AUTHORIZATION, auth);
        if body.is_some() {
            req = req.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        let req = req
            .body(Full::new(body.unwrap_or_default()))
            .map_err(|e| Failure::Malformed(format!("cannot make the request: {e}")))?;
        tokio::time::timeout(self.timeout, self.run(req, lane))
            .await
            .unwrap_or(Err(Failure::Timeout))
    }

    /// A permit of `lane`'s; the shared lane refuses when too many already wait.
    async fn permit(&self, lane: Lane) -> Result<tokio::sync::SemaphorePermit<'_>, Failure> {
        use std::sync::atomic::Ordering;
        let slots = match lane {
            Lane::Watcher => &self.watcher,
            Lane::Shared => &self.slots,
        };
        if let Ok(p) = slots.try_acquire() {
            return Ok(p);
        }
        if lane == Lane::Shared && self.waiting.fetch_add(1, Ordering::Relaxed) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(Failure::Busy);
        }
        let permit = slots.acquire().await;
        if lane == Lane::Shared {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
        }
        Ok(permit.expect("the semaphore is never closed"))
    }

    async fn run(&self, mut req: Request<Full<Bytes>>, lane: Lane) -> Result<RawResponse, Failure> {
        let _slot = self.permit(lane).await?;
        // Idle connections first; one that fails before the request left is dropped and the next tried.
        loop {
            let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let Some(conn) = pooled else { break };
            if conn.is_closed() {
                continue;
            }
            match self.attempt(conn, req).await {
                Attempt::Done(r) => return Ok(r),
                Attempt::Again(r) => req = *r,
                Attempt::Failed(f) => return Err(f),
            }
        }
        // A new connection, and one more if that one failed in a way that is safe to repeat (Asterisk
        // restarting between the two, or closing connections as it stops).
        for _ in 0..2 {
            let conn = self.connect().await?;
            match self.attempt(conn, req).await {
                Attempt::Done(r) => return Ok(r),
                Attempt::Again(r) => req = *r,
                Attempt::Failed(f) => return Err(f),
            }
        }
        Err(Failure::Closed { sent: false })
    }

    async fn attempt(
        &self,
        mut conn: SendRequest<Full<Bytes>>,
        req: Request<Full<Bytes>>,
    ) -> Attempt {
        let again = (req.method() == Method::GET).then(|| clone_request(&req));
        let resp = match conn.try_send_request(req).await {
            Ok(resp) => resp,
            Err(mut e) => {
                // Handed back unsent: it never reached Asterisk, whatever its method.
                if let Some(unsent) = e.take_message() {
                    return Attempt::Again(Box::new(unsent));
                }
                let error = e.into_error();
                return match again {
                    Some(get) if !error.is_parse() && !error.is_timeout() => {
                        Attempt::Again(Box::new(get))
                    }
                    _ => Attempt::Failed(failure(&error, true)),
                };
            }
        };
        let status = resp.status();
        let keep = !resp
            .headers()
            .get(hyper::header::CONNECTION)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
        let body = match Limited::new(resp.into_body(), MAX_RESPONSE).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                return Attempt::Failed(Failure::TooLarge);
            }
            Err(_) => return Attempt::Failed(Failure::Closed { sent: true }),
        };
        if keep && !conn.is_closed() {
            self.idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(conn);
        }
        Attempt::Done(RawResponse {
            status: status.as_u16(),
            body,
        })
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let e = &self.endpoint;
        let tcp = tokio::time::timeout(self.connect_timeout, TcpStream::connect(&e.authority))
            .await
            .map_err(|_| Failure::ConnectTimeout)?
            .map_err(Failure::Connect)?;
        let _ = tcp.set_nodelay(true);
        match &e.tls {
            None => handshake(tcp).await,
            Some((connector, name)) => {
                let stream = tokio::time::timeout(
                    self.connect_timeout,
                    connector.connect(name.clone(), tcp),
                )
                .await
                .map_err(|_| {
                    let secs = self.connect_timeout.as_secs_f64();
                    let (what, hint) = tls::explain_timeout(&e.host, secs);
                    Failure::Tls { what, hint }
                })?
                .map_err(|err| {
                    let (what, hint) = tls::explain(&err, &e.host, e.ca_file.as_deref());
                    Failure::Tls { what, hint }
                })?;
                handshake(stream).await
            }
        }
    }
}

/// Starts hyper's HTTP/1.1 on `io`; the connection's own task reads and writes it from now on.
async fn handshake<T>(io: T) -> Result<SendRequest<Full<Bytes>>, Failure>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, conn) = http1::Builder::new()
        .handshake(TokioIo::new(io))
        .await
        .map_err(|e| failure(&e, false))?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(%e, "connection to Asterisk ended");
        }
    });
    Ok(sender)
}

fn clone_request(req: &Request<Full<Bytes>>) -> Request<Full<Bytes>> {
    let mut copy = Request::new(Full::new(Bytes::new()));
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.headers_mut() = req.headers().clone();
    copy
}

fn failure(e: &hyper::Error, sent: bool) -> Failure {
    if e.is_parse() || e.is_parse_status() || e.is_parse_too_large() {
        Failure::Malformed(e.to_string())
    } else if e.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Closed { sent }
    }
}
