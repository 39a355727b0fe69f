//! A small HTTP/1.1 server in the manner of Asterisk's own: raw request targets (unencoded spaces and UTF-8
//! are accepted), a 4096-byte request line, keep-alive, and a connection closed without an answer when the
//! simulated process "crashes". A general-purpose server would refuse or normalise exactly the quirks that
//! the simulator must reproduce.

use std::future::Future;
use std::io;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::sim::{Outcome, Request, Response, Sim};

const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Bodies beyond Asterisk's limit are still read (up to this much) so the 413 can be answered.
const MAX_READ_BODY: usize = 1 << 20;

/// Serves `sim` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    sim: Arc<Sim>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    serve_with(listener, sim, None, shutdown).await
}

/// Serves `sim` over TLS, as Asterisk does with `tlsenable = yes` in http.conf. A client that speaks
/// plain HTTP to it gets no answer: the handshake fails and the connection is closed, as OpenSSL does.
pub async fn serve_tls(
    listener: TcpListener,
    sim: Arc<Sim>,
    tls: Arc<tokio_rustls::rustls::ServerConfig>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    serve_with(listener, sim, Some(TlsAcceptor::from(tls)), shutdown).await
}

async fn serve_with(
    listener: TcpListener,
    sim: Arc<Sim>,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    tokio::pin!(shutdown);
    let addr = listener.local_addr()?;
    let mut listener = Some(listener);
    let mut life = sim.life();
    loop {
        // A stopped Asterisk has no listening socket: connections are refused until it starts again,
        // on the same port.
        let Some(open) = listener.as_ref() else {
            tokio::select! {
                _ = &mut shutdown => return Ok(()),
                changed = life.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    if life.borrow_and_update().up {
                        listener = Some(TcpListener::bind(addr).await?);
                    }
                }
            }
            continue;
        };
        tokio::select! {
            _ = &mut shutdown => return Ok(()),
            changed = life.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
                if !life.borrow_and_update().up {
                    listener = None;
                }
            }
            accepted = open.accept() => {
                let (stream, _) = accepted?;
                let _ = stream.set_nodelay(true);
                let sim = sim.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let connect = sim.delays().1;
                    if !connect.is_zero() {
                        tokio::time::sleep(connect).await;
                    }
                    let ended = match tls {
                        None => connection_tcp(stream, sim).await,
                        Some(tls) => match tls.accept(stream).await {
                            Ok(stream) => connection(stream, sim).await,
                            Err(e) => Err(e),
                        },
                    };
                    if let Err(e) = ended {
                        tracing::debug!(%e, "connection ended");
                    }
                });
            }
        }
    }
}

async fn connection_tcp(stream: tokio::net::TcpStream, sim: Arc<Sim>) -> io::Result<()> {
    let (read, write) = stream.into_split();
    run_connection(read, write, sim).await
}

async fn connection<S: AsyncRead + AsyncWrite + Unpin>(stream: S, sim: Arc<Sim>) -> io::Result<()> {
    let (read, write) = tokio::io::split(stream);
    run_connection(read, write, sim).await
}

/// A plain connection's halves are split without a lock (`into_split`); a TLS stream's with one.
async fn run_connection<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(
    read: R,
    mut write: W,
    sim: Arc<Sim>,
) -> io::Result<()> {
    let mut reader = BufReader::new(read);
    let mut line = Vec::new();
    // A connection belongs to one run of the process: a restart, crash or stop closes it.
    let mut life = sim.life();
    let run = life.borrow_and_update().run;
    loop {
        line.clear();
        tokio::select! {
            read = reader.read_until(b'\n', &mut line) => {
                if read? == 0 {
                    return Ok(());
                }
            }
            _ = life.wait_for(|l| l.run != run) => return Ok(()),
        }
        let text = String::from_utf8_lossy(&line)
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if text.is_empty() {
            continue;
        }
        let Some((method, rest)) = text.split_once(' ') else {
            return Ok(());
        };
        let target = rest.rsplit_once(' ').map_or(rest, |(t, _)| t).to_string();
        let mut headers = Vec::new();
        let mut header_bytes = 0;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).await?;
            header_bytes += n;
            if n == 0 || header_bytes > MAX_HEADER_BYTES {
                return Ok(());
            }
            let h = String::from_utf8_lossy(&line);
            let h = h.trim_end_matches(['\r', '\n']);
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let mut req = Request {
            method: method.to_string(),
            target,
            headers,
            body: Vec::new(),
        };
        let len: usize = req
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if len > MAX_READ_BODY {
            return Ok(());
        }
        req.body.resize(len, 0);
        reader.read_exact(&mut req.body).await?;
        let close = req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let head = req.method == "HEAD";
        spend(sim.service_time(&req.method));
        // Answered by the run that read it: a restart while the request was read closes the connection.
        if life.borrow().run != run {
            return Ok(());
        }
        let wait = sim.delays().0;
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        match sim.handle(&req) {
            Outcome::Crash => return Ok(()),
            Outcome::Respond(resp) => {
                write.write_all(&encode(&resp, head, close)).await?;
                // Over TLS the record may wait in the session until flushed.
                write.flush().await?;
            }
        }
        if close {
            return Ok(());
        }
    }
}

/// Busy for `cpu`, holding this thread as Asterisk's work holds a core.
fn spend(cpu: std::time::Duration) {
    if cpu.is_zero() {
        return;
    }
    let start = std::time::Instant::now();
    while start.elapsed() < cpu {
        std::hint::spin_loop();
    }
}

fn encode(resp: &Response, head: bool, close: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + resp.body.len());
    let reason = match resp.status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Request Entity Too Large",
        _ => "Internal Server Error",
    };
    out.extend_from_slice(
        format!(
            "HTTP/1.1 {} {reason}\r\nServer: Asterisk/22.10.1\r\n",
            resp.status
        )
        .as_bytes(),
    );
    out.extend_from_slice(if close {
        b"Connection: close\r\n"
    } else {
        b"Connection: Keep-Alive\r\n"
    });
    out.extend_from_slice(b"Cache-Control: no-cache, no-store\r\n");
    for (k, v) in &resp.headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "Content-Length: {}\r\n\r\n",
            if head { 0 } else { resp.body.len() }
        )
        .as_bytes(),
    );
    if !head {
        out.extend_from_slice(&resp.body);
    }
    out
}
