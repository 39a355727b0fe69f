//! The sign-in lockout as an attacker meets it, over real sockets from real client addresses
//! (`127.0.0.x`) to Conjure served as production serves it: bursts released together, a stranger at the
//! victim's address, names the size of a header, and browsers that signed in before.

mod common;

use common::{ADMIN, Answer, client_from, over_network, served};

async fn sign_in(
    url: &str,
    from: &str,
    user: &str,
    password: &str,
    cookie: Option<&str>,
) -> Answer {
    let mut req = client_from(from)
        .post(format!("{url}/api/login"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "user": user, "password": password }).to_string());
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    over_network(req).await
}

/// Runs every request at once and collects the answers (in the order they came).
async fn join_all<F>(requests: impl IntoIterator<Item = F>) -> Vec<Answer>
where
    F: std::future::Future<Output = Answer> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for r in requests {
        set.spawn(r);
    }
    let mut out = Vec::new();
    while let Some(a) = set.join_next().await {
        out.push(a.unwrap());
    }
    out
}

fn count(answers: &[Answer], status: u16) -> usize {
    answers
        .iter()
        .filter(|a| a.status.as_u16() == status)
        .count()
}

/// The `name=value` of the device cookie an answer sets.
fn device_cookie(a: &Answer) -> String {
    a.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.contains("conjure_device="))
        .unwrap_or_else(|| panic!("no device cookie in {:?}", a.headers))
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_released_together_is_counted_before_it_is_judged() {
    let (url, _up) = served(|s| s).await;
    let burst = (0..300).map(|i| {
        let url = url.clone();
        async move { sign_in(&url, "127.0.0.4", "admin", &format!("guess-{i}"), None).await }
    });
    let answers = join_all(burst).await;
    assert_eq!(
        count(&answers, 401),
        5,
        "exactly the documented 5 are evaluated, the rest refused: {:?}",
        answers
            .iter()
            .map(|a| a.status.as_u16())
            .collect::<Vec<_>>()
    );
    assert_eq!(count(&answers, 429), 295);
    let refused = answers.iter().find(|a| a.status == 429).unwrap();
    assert!(refused.headers.contains_key("retry-after"));
    // The right password waits too from there: the lock would not slow a guesser otherwise.
    assert_eq!(
        sign_in(&url, "127.0.0.4", "admin", ADMIN, None)
            .await
            .status,
        429
    );

    // The same on the ARI door with Basic credentials, from another address.
    let door = (0..100).map(|i| {
        let url = url.clone();
        async move {
            over_network(
                client_from("127.0.0.6")
                    .get(format!("{url}/ari/asterisk/config/dynamic/res_pjsip/aor/x"))
                    .basic_auth("admin", Some(format!("guess-{i}"))),
            )
            .await
        }
    });
    let answers = join_all(door).await;
    assert_eq!(
        count(&answers, 401),
        5,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(count(&answers, 429), 95);
}

#[tokio::test]
async fn a_scripts_first_requests_arriving_together_are_one_check() {
    let (url, _up) = served(|s| s).await;
    let reads = (0..40).map(|_| {
        let url = url.clone();
        async move {
            over_network(
                client_from("127.0.0.7")
                    .get(format!(
                        "{url}/ari/asterisk/config/dynamic/res_pjsip/aor/nobody"
                    ))
                    .basic_auth("admin", Some(ADMIN)),
            )
            .await
        }
    });
    let answers = join_all(reads).await;
    assert_eq!(
        count(&answers, 404),
        40,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    // One identical wrong password sent 40 times at once is 40 guesses, not one.
    let wrong = (0..40).map(|_| {
        let url = url.clone();
        async move {
            over_network(
                client_from("127.0.0.8")
                    .get(format!(
                        "{url}/ari/asterisk/config/dynamic/res_pjsip/aor/nobody"
                    ))
                    .basic_auth("admin", Some("the-same-guess")),
            )
            .await
        }
    });
    let answers = join_all(wrong).await;
    assert_eq!(
        count(&answers, 401),
        5,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(count(&answers, 429), 35);
}

#[tokio::test]
async fn a_stranger_at_the_same_address_cannot_lock_out_a_browser_that_signed_in_before() {
    let (url, _up) = served(|s| s).await;
    let mine = sign_in(&url, "127.0.0.9", "admin", ADMIN, None).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    let device = device_cookie(&mine);
    let token = over_network(
        client_from("127.0.0.9")
            .post(format!("{url}/api/tokens"))
            .basic_auth("admin", Some(ADMIN))
            .header("content-type", "application/json")
            .body(r#"{"name":"lockout-script","role":"viewer"}"#),
    )
    .await
    .json()["value"]
        .as_str()
        .unwrap()
        .to_string();

    // The stranger: wrong passwords for admin, then wrong names, from the admin's own address.
    for i in 0..8 {
        sign_in(&url, "127.0.0.9", "admin", &format!("nope-{i}"), None).await;
    }
    for i in 0..25 {
        sign_in(&url, "127.0.0.9", &format!("who{i}"), "nope", None).await;
    }
    let locked = sign_in(&url, "127.0.0.9", "admin", ADMIN, None).await;
    assert_eq!(
        locked.status, 429,
        "a browser never seen before waits: {}",
        locked.text
    );

    // The admin's own browser signs in at once; an API token is never address-locked.
    let again = sign_in(&url, "127.0.0.9", "admin", ADMIN, Some(&device)).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let by_token = over_network(
        client_from("127.0.0.9")
            .get(format!("{url}/api/session"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(by_token.status, 200, "{}", by_token.text);

    // A device cookie for another user, or a forged one, proves nothing.
    let forged = format!("{}x", &device[..device.len() - 1]);
    assert_eq!(
        sign_in(&url, "127.0.0.9", "admin", ADMIN, Some(&forged))
            .await
            .status,
        429
    );

    // The browser's own wrong passwords lock only that browser, and say so.
    let device = device_cookie(&again);
    let mut last = None;
    for i in 0..6 {
        last = Some(
            sign_in(
                &url,
                "127.0.0.9",
                "admin",
                &format!("typo-{i}"),
                Some(&device),
            )
            .await,
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status, 429, "{}", last.text);
    assert!(last.text.contains("this browser"), "{}", last.text);
    assert_eq!(
        sign_in(&url, "127.0.0.10", "admin", ADMIN, None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn many_addresses_guessing_one_account_are_bounded_together() {
    let (url, _up) = served(|s| s).await;
    let mut evaluated = 0;
    // 20 addresses, 5 guesses each would be 100 guesses with a lock per address only.
    for a in 0..20 {
        let from = format!("127.0.1.{}", a + 1);
        for i in 0..5 {
            if sign_in(&url, &from, "admin", &format!("g{a}-{i}"), None)
                .await
                .status
                == 401
            {
                evaluated += 1;
            }
        }
    }
    assert_eq!(evaluated, 50, "the account's allowance over all addresses");
}

#[tokio::test]
async fn names_the_size_of_a_header_are_neither_kept_nor_logged_whole() {
    let up = common::upstream().await;
    let dir = tempdir();
    let log = dir.join("conjure.log");
    let bin = common::binary_with(&up, &dir.join("data"), &[], Some(&log)).await;
    let huge = format!("{}\nforged log line", "x".repeat(100_000));
    for _ in 0..30 {
        let r = over_network(
            client_from("127.0.0.11")
                .get(format!(
                    "{}/ari/asterisk/config/dynamic/res_pjsip/aor/x",
                    bin.url
                ))
                .basic_auth(&huge, Some("pw")),
        )
        .await;
        assert!(matches!(r.status.as_u16(), 401 | 429), "{}", r.status);
    }
    drop(bin);
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        written.len() < 30_000,
        "the log holds {} bytes",
        written.len()
    );
    assert!(
        !written.lines().any(|l| l.starts_with("forged")),
        "{written}"
    );
}

#[tokio::test]
async fn forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_warned_about() {
    let up = common::upstream().await;
    let dir = tempdir();
    let log = dir.join("conjure.log");
    let bin = common::binary_with(&up, &dir.join("data"), &[], Some(&log)).await;
    let r = over_network(
        client_from("127.0.0.12")
            .get(format!("{}/api/session", bin.url))
            .header("x-forwarded-for", "198.51.100.23"),
    )
    .await;
    assert_eq!(r.status, 401);
    drop(bin);
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        written.contains("is not a --trusted-proxy") && written.contains("127.0.0.12"),
        "{written}"
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "conjure-lockout-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
