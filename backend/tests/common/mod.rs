//! The test's Asterisk (a simulator on a loopback port, or the real server of `CONJURE_TEST_ARI_URL`:
//! see the `testbed` crate), Conjure's router in front of it, and a request helper.

#![allow(dead_code)]

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use conjure::{AppState, AriTarget, Secret, ari::AriClient};
use http_body_util::BodyExt;
use model::api::Mode;
#[allow(unused_imports)]
pub use testbed::{Upstream, skip_on_real};
use tower::ServiceExt;

pub const ADMIN: &str = "admin-pw";

pub struct Harness {
    pub app: axum::Router,
    /// The test's Asterisk; `up.id(..)` names what the test makes there.
    pub up: Upstream,
}

/// A fresh simulator, or the real Asterisk of the run.
pub async fn upstream() -> Upstream {
    Upstream::start().await
}

/// Conjure's client for `up` with the test's short timeouts.
pub fn target_of(up: &Upstream) -> AriTarget {
    AriTarget {
        ca_file: up.ca_file.clone(),
        ..target(&up.base, &up.user, &up.password)
    }
}

pub fn target(base: &str, user: &str, password: &str) -> AriTarget {
    AriTarget {
        timeout: Duration::from_millis(700),
        connect_timeout: Duration::from_millis(500),
        ..AriTarget::plain(base.to_string(), user, password)
    }
}

pub fn router(target: AriTarget) -> axum::Router {
    conjure::app(AppState::new(
        AriClient::new(target).unwrap(),
        Mode::Asterisk,
        Some(Secret::from(ADMIN)),
        "/nonexistent".into(),
        conjure::store::Store::in_memory().unwrap(),
    ))
}

/// A pseudo-header for [`send`]: the client's socket address.
pub const PEER: &str = "x-test-peer";

/// Conjure in front of a fresh simulator, its state adjusted by `f` (settings, base path, dist).
pub async fn app_with(
    dist: &str,
    f: impl FnOnce(AppState) -> AppState,
) -> (axum::Router, Upstream) {
    let up = upstream().await;
    let state = AppState::new(
        AriClient::new(target_of(&up)).unwrap(),
        Mode::Asterisk,
        Some(Secret::from(ADMIN)),
        dist.into(),
        conjure::store::Store::in_memory().unwrap(),
    );
    (conjure::app(f(state)), up)
}

pub async fn harness() -> Harness {
    let up = upstream().await;
    Harness {
        app: router(target_of(&up)),
        up,
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }
}

/// The router in process, as the admin (Basic) or as nobody: each request one line.
pub struct Local<'a> {
    app: &'a axum::Router,
    password: Option<&'a str>,
}

/// `app` as the admin.
pub fn admin(app: &axum::Router) -> Local<'_> {
    Local {
        app,
        password: Some(ADMIN),
    }
}

/// `app` with no credentials.
pub fn anon(app: &axum::Router) -> Local<'_> {
    Local {
        app,
        password: None,
    }
}

impl Local<'_> {
    pub async fn get(&self, uri: &str) -> Answer {
        call(self.app, "GET", uri, self.password, None).await
    }

    pub async fn delete(&self, uri: &str) -> Answer {
        call(self.app, "DELETE", uri, self.password, None).await
    }

    pub async fn put(&self, uri: &str, body: &str) -> Answer {
        call(self.app, "PUT", uri, self.password, Some(body)).await
    }

    pub async fn post(&self, uri: &str, body: &str) -> Answer {
        call(self.app, "POST", uri, self.password, Some(body)).await
    }

    pub async fn patch(&self, uri: &str, body: &str) -> Answer {
        call(self.app, "PATCH", uri, self.password, Some(body)).await
    }
}

/// How a test request authenticates.
#[derive(Clone, Copy)]
pub enum As<'a> {
    Nobody,
    Basic(&'a str, &'a str),
    Bearer(&'a str),
    /// A session cookie (its id, or `name=value`), and the CSRF token to echo (if any).
    Session(&'a str, Option<&'a str>),
}

/// `auth`: the admin's password, sent as Basic.
pub async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    body: Option<&str>,
) -> Answer {
    let who = auth.map_or(As::Nobody, |pw| As::Basic("admin", pw));
    send(app, method, uri, who, body, &[]).await
}

pub async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    who: As<'_>,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    use base64::Engine;
    let mut req = Request::builder().method(method).uri(uri);
    match who {
        As::Nobody => {}
        As::Basic(user, pw) => {
            let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pw}"));
            req = req.header("authorization", format!("Basic {pair}"));
        }
        As::Bearer(t) => req = req.header("authorization", format!("Bearer {t}")),
        As::Session(cookie, csrf) => {
            // A bare id goes under the plain name; `name=value` (a `__Host-` cookie) as it is.
            let pair = if cookie.contains('=') {
                cookie.to_string()
            } else {
                format!("conjure_session={cookie}")
            };
            req = req.header("cookie", pair);
            if let Some(c) = csrf {
                req = req.header("x-conjure-csrf", c);
            }
        }
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        // Not a header: the peer address, as axum's ConnectInfo gives it on a real socket.
        if *k == PEER {
            let addr: std::net::SocketAddr = v.parse().unwrap();
            req = req.extension(axum::extract::ConnectInfo(addr));
        } else {
            req = req.header(*k, *v);
        }
    }
    let req = req
        .body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Conjure served as production serves it (`conjure::serve`, a real loopback socket, the peer's address
/// from the connection), in front of the test's Asterisk: its URL and that Asterisk.
pub async fn served(f: impl FnOnce(AppState) -> AppState) -> (String, Upstream) {
    let up = upstream().await;
    let state = AppState::new(
        AriClient::new(target_of(&up)).unwrap(),
        Mode::Asterisk,
        Some(Secret::from(ADMIN)),
        "/nonexistent".into(),
        conjure::store::Store::in_memory().unwrap(),
    );
    let state = f(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}{}",
        listener.local_addr().unwrap(),
        state.base_path
    );
    tokio::spawn(conjure::serve(listener, state, std::future::pending()));
    (url, up)
}

/// An HTTP client whose connections leave from `ip`: every 127.x address is this machine on Linux, so
/// a test can be several clients with distinct addresses.
pub fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(Some(ip.parse().unwrap()))
        .build()
        .unwrap()
}

/// A request over the network; the answer read whole.
pub async fn over_network(req: reqwest::RequestBuilder) -> Answer {
    let r = req.send().await.unwrap();
    let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
    let mut headers = axum::http::HeaderMap::new();
    for (k, v) in r.headers() {
        headers.append(
            axum::http::HeaderName::from_bytes(k.as_str().as_bytes()).unwrap(),
            axum::http::HeaderValue::from_bytes(v.as_bytes()).unwrap(),
        );
    }
    let text = r.text().await.unwrap();
    Answer {
        status,
        headers,
        text,
    }
}

/// The real `conjure` binary, killed (SIGKILL) when dropped, so a failed assertion does not leave it
/// running with the test's output open.
pub struct Binary {
    pub child: std::process::Child,
    pub url: String,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the `conjure` binary on a free port in front of `up`, keeping its state in `data_dir`, and
/// waits until it answers.
pub async fn binary(up: &Upstream, data_dir: &std::path::Path) -> Binary {
    binary_with(up, data_dir, &[], None).await
}

/// [`binary`] with more flags, its log written to `log` (else dropped).
pub async fn binary_with(
    up: &Upstream,
    data_dir: &std::path::Path,
    extra: &[&str],
    log: Option<&std::path::Path>,
) -> Binary {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_conjure"))
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--ari-url",
            &up.base,
            "--ari-user",
            &up.user,
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .args(
            up.ca_file
                .iter()
                .flat_map(|f| [std::ffi::OsStr::new("--ari-ca-file"), f.as_os_str()]),
        )
        .env("CONJURE_ARI_PASSWORD", &up.password)
        .args(extra)
        .env("CONJURE_ADMIN_PASSWORD", ADMIN)
        .env("RUST_LOG", if log.is_some() { "info" } else { "warn" })
        .stdout(match log {
            Some(path) => std::fs::File::create(path).unwrap().into(),
            None => std::process::Stdio::null(),
        })
        .spawn()
        .unwrap();
    let bin = Binary {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http
            .get(format!("{}/healthz", bin.url))
            .send()
            .await
            .is_ok()
        {
            return bin;
        }
        // Polling a port that is not open yet: there is no event to wait for.
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("conjure did not start on port {port}");
}

/// Imports `file` as the admin and waits for the end (the progress events close when it is finished);
/// returns the import's id.
pub async fn import_and_wait(app: &axum::Router, file: &str) -> u64 {
    let started = call(app, "POST", "/api/imports", Some(ADMIN), Some(file)).await;
    assert_eq!(started.status, 202, "{}", started.text);
    let id = started.json()["progress"]["id"].as_u64().unwrap();
    let events = call(
        app,
        "GET",
        &format!("/api/imports/{id}/events"),
        Some(ADMIN),
        None,
    )
    .await;
    assert!(
        events.text.contains(r#""finished":true"#),
        "{}",
        events.text
    );
    id
}

/// What the test's Asterisk itself holds at `res_pjsip/{path}` (status, body), bypassing Conjure.
pub async fn on_asterisk(up: &Upstream, path: &str) -> (u16, String) {
    let r = up
        .http()
        .get(format!(
            "{}/ari/asterisk/config/dynamic/res_pjsip/{path}",
            up.base
        ))
        .basic_auth(&up.user, Some(&up.password))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Reads import `id`'s progress events as they come and returns the first that `until` accepts (or the
/// last, when the import finishes first): a test waits for the event instead of sleeping.
pub async fn progress_until(
    app: &axum::Router,
    id: u64,
    until: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("admin:{ADMIN}"));
    let req = Request::builder()
        .uri(format!("/api/imports/{id}/events"))
        .header("authorization", format!("Basic {auth}"))
        .body(Body::empty())
        .unwrap();
    let mut body = app.clone().oneshot(req).await.unwrap().into_body();
    let mut pending = String::new();
    let mut last = serde_json::Value::Null;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.unwrap().into_data() else {
            continue;
        };
        pending.push_str(&String::from_utf8_lossy(&data));
        while let Some(end) = pending.find("\n\n") {
            let event: String = pending.drain(..end + 2).collect();
            if let Some(json) = event.lines().find_map(|l| l.strip_prefix("data:")) {
                last = serde_json::from_str(json.trim()).unwrap();
                if until(&last) || last["finished"] == true {
                    return last;
                }
            }
        }
    }
    last
}

/// `/api/status` of the Conjure at `url`, waited on (`?wait=<seq>`, the status bar's long poll) until
/// `until` accepts it: a test waits for the watcher's events, not for time.
pub async fn status_until(
    url: &str,
    until: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    long_poll_until(url, "/api/status", until).await
}

/// `/api/fleet` of the Conjure at `url`, waited on (`?wait=<seq>`) until `until` accepts it.
pub async fn fleet_until(
    url: &str,
    until: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    long_poll_until(url, "/api/fleet", until).await
}

/// GETs `path` (an answer with a `seq`) again with `?wait=<seq>` until `until` accepts the answer.
async fn long_poll_until(
    url: &str,
    path: &str,
    until: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let http = reqwest::Client::new();
    let mut seq: Option<u64> = None;
    // A bound for a failing test, not a wait: each request returns at the next change.
    let give_up = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut last = serde_json::Value::Null;
    while tokio::time::Instant::now() < give_up {
        let mut req = http
            .get(format!("{url}{path}"))
            .basic_auth("admin", Some(ADMIN));
        if let Some(s) = seq {
            req = req.query(&[("wait", s)]);
        }
        let v: serde_json::Value =
            serde_json::from_str(&req.send().await.unwrap().text().await.unwrap()).unwrap();
        if until(&v) {
            return v;
        }
        seq = v["seq"].as_u64();
        last = v;
    }
    panic!("{path} never got there; last: {last}");
}

/// Conjure served in front of `up` as production runs it: a real socket, and everything that runs
/// beside the requests (`conjure::start_background`: the watchers, the queues of the fleet), looking
/// every 100 ms. Its URL.
pub async fn served_running(up: &Upstream) -> String {
    served_running_on(target_of(up)).await
}

/// [`served_running`] with a target of the test's own (timeouts, pool size).
pub async fn served_running_on(target: AriTarget) -> String {
    let state = AppState::new(
        AriClient::new(target).unwrap(),
        Mode::Asterisk,
        Some(Secret::from(ADMIN)),
        "/nonexistent".into(),
        conjure::store::Store::in_memory().unwrap(),
    );
    conjure::start_background(&state, Duration::from_millis(100), None)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(conjure::serve(listener, state, std::future::pending()));
    url
}
