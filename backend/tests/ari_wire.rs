//! The ARI client on the wire, against fake Asterisks that answer byte by byte as scripted: chunked and
//! length-less answers, 1xx before the answer, answers too large, connections that close mid-answer,
//! which requests are sent again, and how many connections a flood opens.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use conjure::ari::{AriClient, AriError};
use model::{ObjectId, ObjectType, PutBody};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the fake does with the n-th request (counted over all connections, from 0).
#[derive(Clone, Copy)]
enum Then {
    Answer(&'static str),
    /// Answers, then closes (an answer without a length ends with the connection).
    AnswerAndClose(&'static str),
    /// Closes without a byte of answer, after reading the request.
    Close,
    /// Sends the start of an answer, then closes.
    CloseMidAnswer,
}

struct Fake {
    url: String,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    /// Most connections open at the same time.
    peak: Arc<AtomicUsize>,
}

async fn fake(script: impl Fn(usize) -> Then + Send + Sync + 'static, delay: Duration) -> Fake {
    let script = Arc::new(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (requests, connections, peak): (Arc<AtomicUsize>, Arc<AtomicUsize>, Arc<AtomicUsize>) =
        (Arc::default(), Arc::default(), Arc::default());
    let open = Arc::new(AtomicUsize::new(0));
    let (r, c, p) = (
        Arc::clone(&requests),
        Arc::clone(&connections),
        Arc::clone(&peak),
    );
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            let now = open.fetch_add(1, Ordering::SeqCst) + 1;
            p.fetch_max(now, Ordering::SeqCst);
            let (r, open, script) = (Arc::clone(&r), Arc::clone(&open), Arc::clone(&script));
            tokio::spawn(async move {
                let mut buf = Vec::new();
                'conn: loop {
                    // One request: headers, and a body as long as Content-Length says.
                    let mut chunk = [0u8; 8192];
                    let end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => break 'conn,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .split("content-length:")
                        .nth(1)
                        .and_then(|v| v.split("\r\n").next()?.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < end + len {
                        match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => break 'conn,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..end + len);
                    let n = r.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    match script(n) {
                        Then::Answer(a) => {
                            if s.write_all(a.as_bytes()).await.is_err() {
                                break;
                            }
                        }
                        Then::AnswerAndClose(a) => {
                            let _ = s.write_all(a.as_bytes()).await;
                            break;
                        }
                        Then::Close => break,
                        Then::CloseMidAnswer => {
                            let _ = s
                                .write_all(
                                    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"attr",
                                )
                                .await;
                            break;
                        }
                    }
                }
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Fake {
        url,
        requests,
        connections,
        peak,
    }
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]";

fn client(url: &str, max_connections: usize) -> AriClient {
    AriClient::new(conjure::AriTarget {
        max_connections,
        ..common::target(url, "asterisk", "asterisk")
    })
    .unwrap()
}

fn id() -> ObjectId {
    ObjectId::new("wire".to_string()).unwrap()
}

fn body() -> PutBody {
    PutBody {
        fields: Some(vec![model::Field::new("max_contacts", "1")]),
    }
}

#[tokio::test]
async fn chunked_informational_and_bodiless_answers_are_read() {
    for answer in [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n[\r\n1\r\n]\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]",
        // A 204 without Content-Length, as a hyper-based proxy in front of Asterisk sends it.
        "HTTP/1.1 204 No Content\r\n\r\n",
    ] {
        let f = fake(move |_| Then::Answer(answer), Duration::ZERO).await;
        let c = client(&f.url, 4);
        for _ in 0..3 {
            let r = c.get_object(ObjectType::Aor, &id()).await.unwrap();
            assert!(matches!(r.status, 200 | 204), "{answer:?}: {}", r.status);
            assert_eq!(
                &r.body[..],
                if r.status == 200 {
                    &b"[]"[..]
                } else {
                    &b""[..]
                },
                "{answer:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_answer_without_a_length_runs_to_the_end_of_the_connection() {
    let f = fake(
        |_| Then::AnswerAndClose("HTTP/1.1 200 OK\r\n\r\n[]"),
        Duration::ZERO,
    )
    .await;
    let c = client(&f.url, 4);
    for _ in 0..3 {
        let r = c.get_object(ObjectType::Aor, &id()).await.unwrap();
        assert_eq!((r.status, &r.body[..]), (200, &b"[]"[..]));
    }
    assert_eq!(
        f.connections.load(Ordering::SeqCst),
        3,
        "each such answer ends its connection"
    );
}

#[tokio::test]
async fn an_answer_too_large_is_refused_without_reading_it_all() {
    let huge: &'static str = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{}",
            conjure::ari::MAX_RESPONSE + 1,
            "x".repeat(conjure::ari::MAX_RESPONSE + 1)
        )
        .into_boxed_str(),
    );
    let f = fake(move |_| Then::Answer(huge), Duration::ZERO).await;
    let e = client(&f.url, 4)
        .get_object(ObjectType::Aor, &id())
        .await
        .unwrap_err();
    assert!(matches!(e, AriError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("larger than 4 MB"), "{e}");
}

#[tokio::test]
async fn garbage_and_answers_cut_short_are_errors_that_say_so() {
    let f = fake(
        |_| Then::Answer("SSH-2.0-OpenSSH_9.2\r\n\r\n"),
        Duration::ZERO,
    )
    .await;
    let e = client(&f.url, 4)
        .get_object(ObjectType::Aor, &id())
        .await
        .unwrap_err();
    assert!(matches!(e, AriError::Malformed { .. }), "{e}");
    let f = fake(|_| Then::CloseMidAnswer, Duration::ZERO).await;
    let e = client(&f.url, 4)
        .put_object(ObjectType::Aor, &id(), &body())
        .await
        .unwrap_err();
    assert!(matches!(e, AriError::Closed { sent: true, .. }), "{e}");
}

#[tokio::test]
async fn a_get_is_sent_again_on_a_new_connection_a_put_never() {
    // The first request of every kind meets a connection that closes without answering.
    let f = fake(
        |n| {
            if n == 0 {
                Then::Close
            } else {
                Then::Answer(OK)
            }
        },
        Duration::ZERO,
    )
    .await;
    let c = client(&f.url, 4);
    let r = c.get_object(ObjectType::Aor, &id()).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        f.requests.load(Ordering::SeqCst),
        2,
        "the GET was read twice"
    );

    let f = fake(
        |n| {
            if n == 0 {
                Then::Close
            } else {
                Then::Answer(OK)
            }
        },
        Duration::ZERO,
    )
    .await;
    let c = client(&f.url, 4);
    let e = c
        .put_object(ObjectType::Aor, &id(), &body())
        .await
        .unwrap_err();
    assert!(matches!(e, AriError::Closed { sent: true, .. }), "{e}");
    assert_eq!(
        f.requests.load(Ordering::SeqCst),
        1,
        "a PUT that was sent is never repeated"
    );
    let e = c.delete_object(ObjectType::Aor, &id()).await;
    assert_eq!(
        e.unwrap().status,
        200,
        "the next request gets a new connection"
    );
}

#[tokio::test]
async fn a_flood_never_opens_more_connections_than_allowed() {
    let f = fake(|_| Then::Answer(OK), Duration::from_millis(5)).await;
    let c = client(&f.url, 3);
    let mut all = tokio::task::JoinSet::new();
    for _ in 0..60 {
        let c = c.clone();
        all.spawn(async move { c.get_object(ObjectType::Aor, &id()).await.map(|r| r.status) });
    }
    while let Some(r) = all.join_next().await {
        assert_eq!(r.unwrap().unwrap(), 200);
    }
    assert_eq!(f.requests.load(Ordering::SeqCst), 60);
    assert!(
        f.peak.load(Ordering::SeqCst) <= 3,
        "peak {}",
        f.peak.load(Ordering::SeqCst)
    );
    assert!(
        f.connections.load(Ordering::SeqCst) <= 3,
        "connections are reused"
    );
}
