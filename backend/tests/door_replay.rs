//! The door against the recordings: every exchange of both random transcripts sent to Conjure's ARI
//! door over a real socket, byte for byte as it was sent to the real Asterisk 22 (only the host and
//! the credentials differ), in front of a fresh simulator. The door must answer with Asterisk's status
//! wherever Conjure has no reason of its own to differ, and where it differs on purpose the body keeps
//! Asterisk's `message` key.

mod common;
#[path = "../../asterisk-sim/tests/reference/not_reproduced.rs"]
#[allow(dead_code)]
mod not_reproduced;

use std::collections::HashSet;

use common::ADMIN;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const VIEWER: &str = "viewer-password-1";

/// Where the door answers otherwise on purpose: a part of Conjure's `message`, and why. Each is a request
/// Asterisk would take but that cannot do what its sender meant (or that harms Asterisk), or one Asterisk
/// refuses without saying why, where Conjure says why.
const ON_PURPOSE: &[(&str, &str)] = &[
    (
        "Too many wrong passwords",
        "the lockout: after 5 wrong passwords Conjure answers 429 where Asterisk goes on answering 401",
    ),
    (
        "must be sent as application/json",
        "Asterisk ignores a body of another type and makes the object with defaults, or says no fields were given",
    ),
    (
        "must be a list of",
        "Asterisk ignores a `fields` that is not a list, so the change the script meant is silently not made",
    ),
    (
        "without codecs",
        "an endpoint left without codecs can never be updated again on Asterisk 22",
    ),
    (
        "is not a SIP URI",
        "Asterisk stores it, and the registration or publication can never be sent",
    ),
    (
        "(expiration): must be between",
        "a registration of 0 seconds is taken, and never registers",
    ),
    (
        "must be `Header-Name: value`",
        "Asterisk stores it, and the identify can never match",
    ),
    (
        "a MD5 digest needs MD5",
        "Asterisk stores it, and the digest is never used, so the account cannot authenticate",
    ),
    (
        "has no option",
        "Asterisk answers 500 `Allocation failed` and names nothing; Conjure names the option",
    ),
    (
        "needs at least one option with a value",
        "Asterisk answers 500 `Allocation failed`; Conjure says what is missing",
    ),
    (
        "must be a whole number",
        "Asterisk answers 500 `Allocation failed`; Conjure names the field",
    ),
    (
        "is a path step that HTTP clients rewrite",
        "`.` and `..` are ids Asterisk keeps, but proxies and clients rewrite such paths",
    ),
];

#[tokio::test]
async fn the_door_answers_the_random_traffic_as_asterisk_did() {
    if common::skip_on_real("replays recorded ids onto a fresh server") {
        return;
    }
    let (url, _up) = common::served(|s| s).await;
    let addr = url.trim_start_matches("http://").to_string();
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{url}/api/users"))
        .basic_auth("admin", Some(ADMIN))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"name":"viewer","role":"viewer","password":"{VIEWER}"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let sim_misses: HashSet<&str> = not_reproduced::RANDOM_NOT_REPRODUCED
        .iter()
        .chain(not_reproduced::RANDOM_2_NOT_REPRODUCED)
        .map(|(name, _)| *name)
        .collect();
    let mut differ = Vec::new();
    let (mut same, mut on_purpose, mut after) = (0, 0, 0);
    // Objects (scenario and id) whose state on the simulator differs from the recording's, after an answer
    // that differed on purpose: what follows on them may differ too.
    let mut diverged = HashSet::new();
    for file in ["transcript-random.jsonl", "transcript-random-2.jsonl"] {
        let text = std::fs::read_to_string(format!(
            "{}/../asterisk-sim/tests/reference/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        for line in text.lines() {
            let x: Value = serde_json::from_str(line).unwrap();
            let want = x["status"].as_u64().map(|s| s as u16);
            let name = x["name"].as_str().unwrap();
            let object = (
                name.split('/').next().unwrap().to_string(),
                decoded_id(x["path"].as_str().unwrap()),
            );
            let (status, body) = send_raw(&addr, &x).await;
            if Some(status) == want {
                same += 1;
                continue;
            }
            let message = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|b| b["message"].as_str().map(str::to_string));
            let purpose = message
                .as_deref()
                .and_then(|m| ON_PURPOSE.iter().find(|(part, _)| m.contains(part)));
            // A crash body answered with a refusal, which the recording has no status for.
            if purpose.is_some() || (want.is_none() && (400..500).contains(&status)) {
                on_purpose += 1;
                diverged.insert(object);
                continue;
            }
            if sim_misses.contains(name) || diverged.contains(&object) {
                after += 1;
                diverged.insert(object);
                continue;
            }
            differ.push(format!(
                "{}: {} {} want {:?} {} got {status} {}",
                x["name"].as_str().unwrap(),
                x["method"].as_str().unwrap(),
                x["path"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .take(120)
                    .collect::<String>(),
                want,
                x["response_body"]
                    .to_string()
                    .chars()
                    .take(120)
                    .collect::<String>(),
                body.chars().take(200).collect::<String>()
            ));
        }
    }
    println!(
        "{same} answered as Asterisk did; {on_purpose} otherwise on purpose; {after} after those or \
         where the simulator is known to differ; {} unexplained",
        differ.len()
    );
    assert!(same > 2400, "only {same} answered alike");
    assert!(
        differ.is_empty(),
        "answered otherwise than Asterisk, for no reason of Conjure's:\n{}",
        differ.join("\n")
    );
}

/// One recorded request, written to the socket as recorded.
async fn send_raw(addr: &str, x: &Value) -> (u16, String) {
    use base64::Engine;
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    let wrong = x["auth_note"].as_str().is_some_and(|n| n.contains("WRONG"));
    let (user, pw) = match x["auth"].as_str() {
        Some("viewer") => ("viewer", VIEWER),
        _ => ("admin", ADMIN),
    };
    let pw = if wrong { "wrong" } else { pw };
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n",
        x["method"].as_str().unwrap(),
        x["path"]
            .as_str()
            .unwrap()
            .replace("{KEY}", &format!("{user}:{pw}"))
    );
    if x["auth"].is_string() {
        head += &format!("Authorization: Basic {}\r\n", b64(format!("{user}:{pw}")));
    }
    if let Some(extra) = x["request_extra_headers"].as_object() {
        for (k, v) in extra {
            head += &format!("{k}: {}\r\n", v.as_str().unwrap_or_default());
        }
    }
    let body = match (&x["request_raw"], &x["request_body"]) {
        (Value::String(raw), _) => raw.clone().into_bytes(),
        (_, Value::Null) => Vec::new(),
        (_, Value::String(s)) => s.clone().into_bytes(),
        (_, v) => v.to_string().into_bytes(),
    };
    if !body.is_empty() {
        let ct = x["request_content_type"]
            .as_str()
            .unwrap_or("application/json");
        head += &format!("Content-Type: {ct}\r\n");
    }
    head += &format!("Content-Length: {}\r\n\r\n", body.len());
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body).await.unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

/// The id of a recorded path, decoded as Asterisk decodes it (empty for a path without one).
fn decoded_id(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let id = path.rsplit('/').next().unwrap_or_default();
    String::from_utf8_lossy(&model::id::decode_legacy(id)).into_owned()
}
