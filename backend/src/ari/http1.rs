//! A minimal HTTP/1.1 client for Asterisk's HTTP server, with a pool of keep-alive connections.
//!
//! Why not a general-purpose client: Conjure sends a handful of small requests to one host, and Asterisk
//! always answers with a `Content-Length`. A general client spends most of a forwarded request's CPU on its
//! connection tasks, channels and URL handling; here a request borrows an idle connection, writes, reads the
//! answer and puts the connection back, all on the calling task (`cargo xtask bench` measures the difference).

use std::io;
use std::sync::Mutex;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Answers above this size are refused: no ARI config answer comes near it.
const MAX_RESPONSE: usize = 4 << 20;
const MAX_IDLE: usize = 64;

/// A response: status and body.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub body: Bytes,
}

/// How a request failed.
#[derive(Debug)]
pub enum Failure {
    Connect(io::Error),
    ConnectTimeout,
    Timeout,
    /// The connection ended before a complete answer.
    Closed,
    /// The answer was not HTTP/1.x as expected.
    Malformed(String),
}

pub struct Pool {
    /// `host:port`, used to connect and as the Host header.
    authority: String,
    idle: Mutex<Vec<TcpStream>>,
    connect_timeout: Duration,
    timeout: Duration,
}

impl Pool {
    pub fn new(authority: String, connect_timeout: Duration, timeout: Duration) -> Self {
        Pool {
            authority,
            idle: Mutex::new(Vec::new()),
            connect_timeout,
            timeout,
        }
    }

    /// Sends one request. `head_extra` is extra header lines, each ending in `\r\n`.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        head_extra: &str,
        body: Option<&[u8]>,
    ) -> Result<RawResponse, Failure> {
        let mut req = Vec::with_capacity(256 + body.map_or(0, <[u8]>::len));
        req.extend_from_slice(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\n{head_extra}",
                self.authority
            )
            .as_bytes(),
        );
        match body {
            Some(b) => {
                req.extend_from_slice(
                    format!(
                        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        b.len()
                    )
                    .as_bytes(),
                );
                req.extend_from_slice(b);
            }
            None => req.extend_from_slice(b"Content-Length: 0\r\n\r\n"),
        }
        let work = async {
            // A pooled connection may have been closed by Asterisk while idle; if it ends before a single
            // byte of answer, Asterisk never read the request, so it is safe to send it again on a new one.
            let pooled = self.idle.lock().unwrap().pop();
            if let Some(mut conn) = pooled {
                match exchange(&mut conn, &req).await {
                    Ok((resp, keep)) => {
                        self.put_back(conn, keep);
                        return Ok(resp);
                    }
                    Err(Exchange::Untouched) => {}
                    Err(Exchange::Failed(f)) => return Err(f),
                }
            }
            let mut conn = self.connect().await?;
            match exchange(&mut conn, &req).await {
                Ok((resp, keep)) => {
                    self.put_back(conn, keep);
                    Ok(resp)
                }
                Err(Exchange::Untouched) => Err(Failure::Closed),
                Err(Exchange::Failed(f)) => Err(f),
            }
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .unwrap_or(Err(Failure::Timeout))
    }

    async fn connect(&self) -> Result<TcpStream, Failure> {
        let conn = tokio::time::timeout(self.connect_timeout, TcpStream::connect(&self.authority))
            .await
            .map_err(|_| Failure::ConnectTimeout)?
            .map_err(Failure::Connect)?;
        let _ = conn.set_nodelay(true);
        Ok(conn)
    }

    fn put_back(&self, conn: TcpStream, keep: bool) {
        let mut idle = self.idle.lock().unwrap();
        if keep && idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }
}

enum Exchange {
    /// Nothing came back at all (the connection was already closed).
    Untouched,
    Failed(Failure),
}

/// Writes the request and reads one answer; returns it and whether the connection can be reused.
async fn exchange(conn: &mut TcpStream, req: &[u8]) -> Result<(RawResponse, bool), Exchange> {
    if conn.write_all(req).await.is_err() {
        return Err(Exchange::Untouched);
    }
    let mut buf = BytesMut::with_capacity(2048);
    let head_end = loop {
        match conn.read_buf(&mut buf).await {
            Ok(0) | Err(_) if buf.is_empty() => return Err(Exchange::Untouched),
            Ok(0) | Err(_) => return Err(Exchange::Failed(Failure::Closed)),
            Ok(_) => {}
        }
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos + 4;
        }
        if buf.len() > 64 * 1024 {
            return Err(Exchange::Failed(Failure::Malformed(
                "response headers too long".into(),
            )));
        }
    };
    let head =
        std::str::from_utf8(&buf[..head_end]).map_err(|_| malformed("headers are not text"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed(&format!("not an HTTP/1.x status line: {status_line:.60}")))?;
    let mut length = None;
    let mut keep = status_line.starts_with("HTTP/1.1");
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("content-length") {
            length = Some(
                v.parse::<usize>()
                    .map_err(|_| malformed("bad Content-Length"))?,
            );
        } else if k.eq_ignore_ascii_case("connection") {
            keep =
                !v.eq_ignore_ascii_case("close") && (keep || v.eq_ignore_ascii_case("keep-alive"));
        } else if k.eq_ignore_ascii_case("transfer-encoding") {
            return Err(malformed("chunked answers are not expected from Asterisk"));
        }
    }
    // 204, 304 and 1xx answers have no body whatever the headers say (RFC 9112, 6.3); a proxy in front
    // of Asterisk may send a 204 without Content-Length.
    let bodiless = status == 204 || status == 304 || (100..200).contains(&status);
    let length = match length {
        _ if bodiless => 0,
        Some(l) if l <= MAX_RESPONSE => l,
        Some(_) => return Err(malformed("answer too large")),
        // Without a length the body runs to the end of the connection.
        None => {
            let mut rest = Vec::new();
            let _ = conn.read_to_end(&mut rest).await;
            buf.extend_from_slice(&rest);
            let body = buf.split_off(head_end).freeze();
            return Ok((RawResponse { status, body }, false));
        }
    };
    while buf.len() < head_end + length {
        match conn.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return Err(Exchange::Failed(Failure::Closed)),
            Ok(_) => {}
        }
    }
    let mut body = buf.split_off(head_end);
    let extra = body.len() > length;
    body.truncate(length);
    // Bytes beyond the answer mean the peer is out of step: do not reuse the connection.
    Ok((
        RawResponse {
            status,
            body: body.freeze(),
        },
        keep && !extra,
    ))
}

fn malformed(what: &str) -> Exchange {
    Exchange::Failed(Failure::Malformed(what.to_string()))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
