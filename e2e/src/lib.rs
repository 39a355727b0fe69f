//! Fixtures for the browser tests: the test's Asterisk (a simulator, or the real server named by
//! `CONJURE_TEST_ARI_URL`: see the `testbed` crate), Conjure serving the trunk-built `dist/`, and
//! headless Chromium through chromedriver.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use conjure::{AppState, AriTarget, Secret, ari::AriClient};
use fantoccini::{Client, ClientBuilder};
use model::api::Mode;

pub mod page;
pub mod screen;

/// The password of the first user, `admin`, in these tests.
pub const ADMIN: &str = "e2e-admin";

/// The workspace root (where `dist/` is built).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub use testbed::{Upstream, skip_on_real};

/// The test's Asterisk and Conjure in front of it, on a loopback port.
pub struct Stack {
    /// The Asterisk; `up.id(..)` names what the test makes there.
    pub up: Upstream,
    pub conjure: String,
    /// Conjure's inventory, to seed or inspect.
    pub store: conjure::store::Store,
}

pub async fn stack(mode: Mode) -> Stack {
    stack_with(mode, |s| s).await
}

/// A stack whose panel the given origins may show in a frame.
pub async fn stack_framable_by(mode: Mode, frame_ancestors: Vec<String>) -> Stack {
    stack_with(mode, |s| s.with_frame_ancestors(frame_ancestors)).await
}

/// A stack whose state `f` adjusts (frame ancestors, base path). `Stack::conjure` includes the base path.
pub async fn stack_with(mode: Mode, f: impl FnOnce(AppState) -> AppState) -> Stack {
    build(mode, f, None).await
}

/// A stack whose watcher looks at Asterisk every 100 ms, as `conjure` runs it (every 2 s by default).
pub async fn stack_watched(mode: Mode) -> Stack {
    build(mode, |s| s, Some(Duration::from_millis(100))).await
}

async fn build(
    mode: Mode,
    f: impl FnOnce(AppState) -> AppState,
    watch_every: Option<Duration>,
) -> Stack {
    let dist = root().join("dist");
    assert!(
        dist.join("index.html").exists(),
        "dist/ is not built: run `cargo xtask test` (it runs trunk first)"
    );
    let up = Upstream::start().await;
    let target = AriTarget {
        ca_file: up.ca_file.clone(),
        ..AriTarget::plain(up.base.clone(), &up.user, &up.password)
    };
    let store = conjure::store::Store::in_memory().unwrap();
    let state = AppState::new(
        AriClient::new(target).unwrap(),
        mode,
        Some(Secret::from(ADMIN)),
        dist,
        store.clone(),
    );
    let state = f(state);
    if let Some(every) = watch_every {
        // What `conjure` runs beside the requests: the watchers and the fleet's queues.
        conjure::start_background(&state, every, None)
            .await
            .unwrap();
    }
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let conjure = format!("http://{}{}", l.local_addr().unwrap(), state.base_path);
    tokio::spawn(conjure::serve(l, state, std::future::pending()));
    Stack { up, conjure, store }
}

impl Stack {
    /// Conjure's API as `admin`, with basic auth as a portal's script uses it (`Null`: no body); the
    /// answer's text, or a panic on an error answer.
    pub async fn as_admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> String {
        let mut req = reqwest::Client::new()
            .request(method, format!("{}{path}", self.conjure))
            .basic_auth("admin", Some(ADMIN));
        if !body.is_null() {
            req = req.json(&body);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        text
    }

    /// What the Asterisk itself answers for `res_pjsip/{path}` (status, body), bypassing Conjure.
    pub async fn on_asterisk(&self, path: &str) -> (u16, String) {
        let r = self
            .up
            .http()
            .get(format!(
                "{}/ari/asterisk/config/dynamic/res_pjsip/{path}",
                self.up.base
            ))
            .basic_auth(&self.up.user, Some(&self.up.password))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

/// chromedriver, killed when dropped.
pub struct Driver {
    child: Child,
    pub client: Client,
    _profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._profile);
    }
}

/// chromedriver on a free port, once it listens; its exit status if it stopped at start.
async fn chromedriver() -> Result<(Child, u16), std::process::ExitStatus> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("chromedriver")
        .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is not installed: run scripts/setup.sh (cargo xtask setup)");
    // Until it listens: on 2 cores busy compiling and running other browser tests, chromedriver has
    // taken over 5 s to start (a CI run failed on a 5 s wait). There is no event to wait for but the port.
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(status);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "chromedriver did not listen on port {port} within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok((child, port))
}

pub async fn browser() -> Driver {
    // The port is free when chosen, but another test's server binding port 0 meanwhile can take it
    // before chromedriver does (a CI run saw "exited at start"): then once more on another port.
    let mut tries = 0;
    let (child, port) = loop {
        tries += 1;
        match chromedriver().await {
            Ok(started) => break started,
            Err(status) if tries < 3 => {
                eprintln!("chromedriver exited at start ({status}); trying another port")
            }
            Err(status) => panic!("chromedriver exited at start ({status}), {tries} times"),
        }
    };
    let profile =
        std::env::temp_dir().join(format!("conjure-e2e-chrome-{}-{port}", std::process::id()));
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1200,900", format!("--user-data-dir={}", profile.display())]
        }
    });
    let client = ClientBuilder::native()
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("cannot start headless Chromium through chromedriver");
    Driver {
        child,
        client,
        _profile: profile,
    }
}

/// Signs `user` in on the panel at `base` through the sign-in page.
pub async fn sign_in(c: &Client, base: &str, user: &str, password: &str) {
    c.goto(&format!("{base}/")).await.unwrap();
    page::type_into(c, "login-user", user).await;
    page::type_into(c, "login-password", password).await;
    page::click(c, "login-submit").await;
    page::text_of(c, "sign-out").await;
}

/// A browser with `admin` signed in to `stack`.
pub async fn signed_in(stack: &Stack) -> Driver {
    let d = browser().await;
    sign_in(&d.client, &stack.conjure, "admin", ADMIN).await;
    d
}

/// Where screenshots go (ignored by git; CI keeps them as artefacts of the run).
pub fn artifacts() -> PathBuf {
    let dir = root().join("e2e/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A one-page "portal" on another origin (another loopback port) whose page is `html`.
pub async fn portal(html: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let html = html.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    origin
}
