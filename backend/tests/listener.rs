//! Conjure's own listener over a real socket: a client that never finishes its request head is cut off
//! after the deadline, while a whole request on a kept-alive connection is answered as before.

mod common;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_request_head_that_never_ends_is_cut_off() {
    let (url, _up) = common::served(|s| s).await;
    let addr = url.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // Half a request line and one header, then nothing: the slowloris pattern.
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut buf = [0u8; 512];
    // A bound for a failing test: the server closes at its deadline (10 s), and read returns then.
    let n = tokio::time::timeout(Duration::from_secs(30), slow.read(&mut buf))
        .await
        .expect("the connection was held open past the header deadline")
        .unwrap_or(0);
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(n == 0 || answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "closed too early"
    );

    // A whole request is answered, twice on the same connection.
    let mut ok = tokio::net::TcpStream::connect(&addr).await.unwrap();
    for _ in 0..2 {
        ok.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let n = ok.read(&mut buf).await.unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}
