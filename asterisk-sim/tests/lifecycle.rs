//! The simulated process's life over real sockets: restart, crash, stop and start, and a slow Asterisk.

use std::sync::Arc;
use std::time::{Duration, Instant};

use asterisk_sim::{Sim, default_users, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Running {
    addr: std::net::SocketAddr,
    sim: Arc<Sim>,
    http: reqwest::Client,
}

async fn start() -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // A manual clock: start times and the astdb commit delay move only when the test says so.
    let sim = Arc::new(Sim::with_manual_clock(default_users()));
    tokio::spawn(serve(listener, sim.clone(), std::future::pending()));
    Running {
        addr,
        sim,
        // No kept-alive connections: a restart closes them, and the next request would race the close.
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
    }
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}/ari{path}", self.addr)
    }

    async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .get(self.url(path))
            .basic_auth("asterisk", Some("asterisk"))
            .send()
            .await
    }

    async fn put(&self, path: &str, body: &str) -> u16 {
        self.http
            .put(self.url(path))
            .basic_auth("asterisk", Some("asterisk"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn startup_time(&self) -> String {
        self.times().await.0
    }

    /// `status.startup_time` and `status.last_reload_time` of `/asterisk/info`.
    async fn times(&self) -> (String, String) {
        let v: serde_json::Value = self
            .get("/asterisk/info")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let at = |k: &str| v["status"][k].as_str().unwrap().to_string();
        (at("startup_time"), at("last_reload_time"))
    }

    async fn status(&self, path: &str) -> u16 {
        self.get(path).await.unwrap().status().as_u16()
    }
}

const ALIAS: &str = "/asterisk/config/dynamic/res_pjsip/domain_alias/d1";
const AOR: &str = "/asterisk/config/dynamic/res_pjsip/aor/a1";

#[tokio::test]
async fn a_restart_keeps_astdb_loses_memory_and_reports_a_new_start() {
    let s = start().await;
    let before = s.startup_time().await;
    assert_eq!(
        before, "2026-11-26T02:11:20.635+0000",
        "the recording's start"
    );
    assert_eq!(
        s.put(
            ALIAS,
            r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#
        )
        .await,
        200
    );
    assert_eq!(
        s.put(
            AOR,
            r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#
        )
        .await,
        200
    );
    s.sim.advance(60_000);
    s.sim.restart();
    assert_eq!(s.status(ALIAS).await, 404, "domain_alias is kept in memory");
    assert_eq!(s.status(AOR).await, 200, "aor is kept in astdb");
    assert_eq!(s.startup_time().await, "2026-11-26T02:12:20.635+0000");
}

#[tokio::test]
async fn a_reload_changes_only_the_reload_time() {
    let s = start().await;
    let (started, reloaded) = s.times().await;
    assert_eq!(started, reloaded, "a fresh start is also the last reload");
    let body = r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#;
    assert_eq!(s.put(ALIAS, body).await, 200);
    s.sim.advance(5_000);
    s.sim.reload();
    assert_eq!(
        s.times().await,
        (started.clone(), "2026-11-26T02:11:25.635+0000".to_string())
    );
    assert_eq!(s.status(ALIAS).await, 200, "a reload keeps memory objects");
    s.sim.advance(5_000);
    s.sim.restart();
    let (started_again, reloaded_again) = s.times().await;
    assert_eq!(started_again, reloaded_again);
    assert_ne!(started_again, started);
}

#[tokio::test]
async fn a_crash_also_loses_the_last_second_of_astdb_writes() {
    let s = start().await;
    assert_eq!(
        s.put(
            AOR,
            r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#
        )
        .await,
        200
    );
    s.sim.advance(2_000);
    let young = "/asterisk/config/dynamic/res_pjsip/aor/a2";
    assert_eq!(
        s.put(
            young,
            r#"{"fields":[{"attribute":"max_contacts","value":"2"}]}"#
        )
        .await,
        200
    );
    s.sim.advance(500);
    s.sim.crash_and_restart();
    assert_eq!(
        s.status(AOR).await,
        200,
        "committed to astdb before the crash"
    );
    assert_eq!(s.status(young).await, 404, "written 0.5 s before the crash");
}

#[tokio::test]
async fn a_restart_closes_the_connections_of_the_old_process() {
    let s = start().await;
    let mut conn = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let request = "GET /ari/asterisk/info HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YXN0ZXJpc2s6YXN0ZXJpc2s=\r\n\r\n";
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let n = conn.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    s.sim.restart();
    // The kept-alive connection ends without another byte, as a process that exited ends it.
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}

#[tokio::test]
async fn a_stopped_asterisk_refuses_connections_until_it_starts_again() {
    let s = start().await;
    assert_eq!(
        s.put(
            AOR,
            r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#
        )
        .await,
        200
    );
    let mut life = s.sim.life();
    s.sim.stop();
    life.wait_for(|l| !l.up).await.unwrap();
    // The server closes its socket when it sees the stop; until then a connection may still be accepted.
    let mut refused = false;
    for _ in 0..1000 {
        if tokio::net::TcpStream::connect(s.addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(refused, "a stopped Asterisk still accepts connections");
    assert!(s.get("/asterisk/info").await.unwrap_err().is_connect());
    s.sim.start();
    let mut back = false;
    for _ in 0..1000 {
        if tokio::net::TcpStream::connect(s.addr).await.is_ok() {
            back = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(back, "the simulator did not listen again after start()");
    assert_eq!(
        s.status(AOR).await,
        200,
        "astdb objects are back after the stop"
    );
}

#[tokio::test]
async fn a_slow_asterisk_answers_late() {
    let s = start().await;
    s.sim.set_delays(Duration::from_millis(300), Duration::ZERO);
    let t = Instant::now();
    assert_eq!(s.status("/asterisk/info").await, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    s.sim.set_delays(Duration::ZERO, Duration::ZERO);
    let t = Instant::now();
    assert_eq!(s.status("/asterisk/info").await, 200);
    assert!(
        t.elapsed() < Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
}

/// The standalone binary: `SIGHUP` restarts the simulated process, as `asterisk -rx 'core restart now'`.
#[tokio::test]
async fn the_binary_restarts_on_sighup() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_asterisk-sim"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Its log (standard output) says when it listens.
    let mut err = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening") {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut err, &mut line).unwrap() > 0,
            "the simulator exited"
        );
    }
    let s = Running {
        addr: ([127, 0, 0, 1], port).into(),
        sim: Arc::new(Sim::default()),
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
    };
    let before = s.startup_time().await;
    assert_eq!(
        s.put(
            ALIAS,
            r#"{"fields":[{"attribute":"domain","value":"example.com"}]}"#
        )
        .await,
        200
    );
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    // It logs the restart once it is done.
    line.clear();
    while !line.contains("SIGHUP") {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut err, &mut line).unwrap() > 0,
            "the simulator exited"
        );
    }
    assert_eq!(
        s.status(ALIAS).await,
        404,
        "a memory object survived SIGHUP"
    );
    assert_ne!(s.startup_time().await, before);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Three "Asterisk servers" in one test, each with its own port, users and sorcery.conf.
#[tokio::test]
async fn three_servers_that_differ() {
    use asterisk_sim::{Backend, User};
    let user = |name: &str| User {
        name: name.into(),
        password: name.into(),
        read_only: false,
    };
    let layouts: [(&str, Vec<(&'static str, Backend)>); 3] = [
        ("berlin", Vec::new()),
        (
            "paris",
            vec![
                ("aor", Backend::Memory),
                ("auth", Backend::Memory),
                ("endpoint", Backend::Memory),
            ],
        ),
        ("rome", vec![("aor", Backend::Config)]),
    ];
    let mut servers = Vec::new();
    for (name, layout) in layouts {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let sim = Arc::new(Sim::with_manual_clock(vec![user(name)]).with_backends(layout));
        tokio::spawn(serve(listener, sim.clone(), std::future::pending()));
        servers.push((name, addr, sim));
    }
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let put = |addr: std::net::SocketAddr, who: &'static str| {
        let http = http.clone();
        async move {
            http.put(format!("http://{addr}/ari{AOR}"))
                .basic_auth(who, Some(who))
                .header("content-type", "application/json")
                .body(r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (berlin, paris, rome) = (servers[0].1, servers[1].1, servers[2].1);
    assert_eq!(put(berlin, "berlin").await, 200);
    assert_eq!(put(paris, "paris").await, 200);
    assert_eq!(
        put(rome, "rome").await,
        403,
        "rome's aor lives in pjsip.conf"
    );
    assert_eq!(
        put(berlin, "paris").await,
        401,
        "each server has its own users"
    );
    for (_, _, sim) in &servers {
        sim.advance(5_000);
        sim.restart();
    }
    let get = |addr: std::net::SocketAddr, who: &'static str| {
        let http = http.clone();
        async move {
            http.get(format!("http://{addr}/ari{AOR}"))
                .basic_auth(who, Some(who))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        get(berlin, "berlin").await,
        200,
        "berlin keeps aors in astdb"
    );
    assert_eq!(
        get(paris, "paris").await,
        404,
        "paris keeps everything in memory"
    );
}
