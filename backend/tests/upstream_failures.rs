//! What Conjure says when Asterisk is down, slow, or refuses Conjure's own credentials.

mod common;

use common::admin;
use common::{call, router, skip_on_real, target, upstream};

#[tokio::test]
async fn unreachable_asterisk_is_a_502_naming_the_url() {
    // Bind and drop: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = router(target(
        &format!("http://127.0.0.1:{port}"),
        "asterisk",
        "asterisk",
    ));
    let r = admin(&app).get("/api/objects/auth/alice").await;
    assert_eq!(r.status, 502);
    let msg = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains(&format!("127.0.0.1:{port}")) && msg.contains("unreachable"),
        "{msg}"
    );
}

#[tokio::test]
async fn slow_asterisk_is_a_504() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let app = router(target(&format!("http://{addr}"), "asterisk", "asterisk"));
    let r = admin(&app).get("/api/objects/auth/alice").await;
    assert_eq!(r.status, 504, "{}", r.text);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("did not answer")
    );
}

#[tokio::test]
async fn wrong_ari_credentials_are_a_502_without_a_browser_prompt() {
    let up = upstream().await;
    let app = router(conjure::AriTarget {
        ca_file: up.ca_file.clone(),
        ..target(&up.base, &up.user, "wrong")
    });
    for uri in [
        "/api/objects/auth/alice",
        "/ari/asterisk/config/dynamic/res_pjsip/auth/alice",
    ] {
        let r = call(&app, "GET", uri, Some(common::ADMIN), None).await;
        assert_eq!(r.status, 502, "{uri}");
        assert!(r.headers.get("www-authenticate").is_none());
        assert!(
            r.json()["message"]
                .as_str()
                .unwrap()
                .contains("refused Conjure's ARI credentials")
        );
    }
    if skip_on_real("the rest needs the simulator's read-only ARI user") {
        return;
    }
    let app = router(target(&up.base, "viewer", "viewer"));
    let r = admin(&app)
        .put(
            "/api/objects/domain_alias/x",
            r#"{"fields":[{"attribute":"domain","value":"d"}]}"#,
        )
        .await;
    assert_eq!(r.status, 502);
    assert!(r.json()["message"].as_str().unwrap().contains("read-only"));
}

/// A fake Asterisk that answers one request per connection and then closes it, either saying so
/// (`Connection: close`) or not (as an idle timeout would).
async fn one_shot_upstream(say_close: bool) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let body = r#"[{"attribute":"domain","value":"example.com"}]"#;
                let conn = if say_close {
                    "Connection: close\r\n"
                } else {
                    ""
                };
                let resp = format!(
                    "HTTP/1.1 200 OK\r\n{conn}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn connections_closed_by_asterisk_are_not_reused() {
    for say_close in [true, false] {
        let app = router(target(
            &one_shot_upstream(say_close).await,
            "asterisk",
            "asterisk",
        ));
        for _ in 0..3 {
            let r = admin(&app).get("/api/objects/domain_alias/d").await;
            assert_eq!(r.status, 200, "say_close={say_close}: {}", r.text);
            assert_eq!(r.json()["fields"][0]["value"], "example.com");
        }
    }
}
