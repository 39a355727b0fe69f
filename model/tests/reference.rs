//! The validator against what a real Asterisk 22.10.1 did: every value it accepted must pass, every value it
//! refused must be flagged (field by field, or by the object-level rules), and so must every refused PUT of
//! the recorded transcript. The few values no catalog can judge are listed with the reason.

use model::validate::{check_fields, check_value};
use model::{Field, ObjectType};
use serde_json::Value;

const OPTION_VALUES: &str = include_str!("../../asterisk-sim/reference/option-values.json");
const TRANSCRIPT: &str = include_str!("../../asterisk-sim/tests/reference/transcript.jsonl");

/// Refused by Asterisk for reasons outside the value: `(type, option, value or "*", reason)`.
const UNKNOWABLE: &[(&str, &str, &str, &str)] = &[
    (
        "endpoint",
        "dtls_cert_file",
        "*",
        "the file must be readable on the Asterisk host",
    ),
    (
        "endpoint",
        "dtls_private_key",
        "*",
        "the file must be readable on the Asterisk host",
    ),
    (
        "endpoint",
        "dtls_ca_file",
        "*",
        "the file must be readable on the Asterisk host",
    ),
    (
        "endpoint",
        "dtls_ca_path",
        "*",
        "the directory must be readable on the Asterisk host",
    ),
    (
        "endpoint",
        "geoloc_incoming_call_profile",
        "*",
        "must name a geolocation profile that exists on the Asterisk host",
    ),
    (
        "endpoint",
        "geoloc_outgoing_call_profile",
        "*",
        "must name a geolocation profile that exists on the Asterisk host",
    ),
    (
        "identify",
        "match",
        "nonexistent.invalid",
        "the name must resolve on the Asterisk host",
    ),
    (
        "identify",
        "match",
        "bogus-value",
        "the name must resolve on the Asterisk host",
    ),
    (
        "registration",
        "server_uri",
        "sips:example.com",
        "sips needs a TLS transport on the Asterisk host",
    ),
    (
        "asterisk-publication",
        "device_state_filter",
        "*",
        "must compile as a regular expression; Conjure does not ship a regex engine to the browser",
    ),
    (
        "asterisk-publication",
        "mailbox_state_filter",
        "*",
        "must compile as a regular expression",
    ),
    (
        "identify",
        "match_request_uri",
        "*",
        "a /regex/ must compile",
    ),
    ("identify", "match_header", "/", "a /regex/ must compile"),
];

fn unknowable(ty: &str, opt: &str, value: &str) -> bool {
    UNKNOWABLE.iter().any(|(t, o, v, _)| {
        *t == ty
            && *o == opt
            && (*v == "*" || *v == value || (v.starts_with('/') && value.contains('/')))
    })
}

fn fields_of(v: &Value) -> Vec<Field> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| Some(Field::new(f["attribute"].as_str()?, f["value"].as_str()?)))
        .collect()
}

fn pairs(obj: &Value) -> Vec<Field> {
    obj.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some(Field::new(k, v.as_str()?)))
        .collect()
}

#[test]
fn every_measured_value_is_judged_as_asterisk_judged_it() {
    let data: Value = serde_json::from_str(OPTION_VALUES).unwrap();
    let mut wrong = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for (ty_name, options) in data["types"].as_object().unwrap() {
        let ty = ObjectType::parse(ty_name).unwrap();
        if ty == ObjectType::Phoneprov {
            continue;
        }
        let minimal = fields_of(&data["minimal_fields"][ty_name]);
        for (opt, m) in options.as_object().unwrap() {
            for a in m["accepted"].as_array().into_iter().flatten() {
                // A list was sent as the attribute repeated once per element.
                let values: Vec<&str> = match &a["value"] {
                    Value::Array(l) => l.iter().filter_map(Value::as_str).collect(),
                    v => vec![v.as_str().unwrap()],
                };
                for value in values {
                    accepted += 1;
                    if let Some(with) = a.get("with") {
                        let mut f = minimal.clone();
                        f.extend(pairs(with));
                        f.push(Field::new(opt, value));
                        // Accepted, but it leaves an endpoint without codecs: refused on purpose.
                        let errs: Vec<_> = check_fields(ty, &f, true)
                            .into_iter()
                            .filter(|x| x.is_error() && !x.message.contains("without codecs"))
                            .collect();
                        if !errs.is_empty() {
                            wrong.push(format!("{ty_name}.{opt}={value:?} with {with} was accepted; flagged {errs:?}"));
                        }
                    } else if let Err(e) = check_value(ty, opt, value) {
                        wrong.push(format!(
                            "{ty_name}.{opt}={value:?} was accepted; flagged '{e}'"
                        ));
                    }
                }
            }
            for r in m["rejected"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                rejected += 1;
                if unknowable(ty_name, opt, r) {
                    continue;
                }
                let mut f = minimal.clone();
                f.push(Field::new(opt, r));
                if !check_fields(ty, &f, true).iter().any(|x| x.is_error()) {
                    wrong.push(format!(
                        "{ty_name}.{opt}={r:?} was refused by Asterisk; not flagged"
                    ));
                }
            }
            for r in m["rejected_with_companions"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let mut f = minimal.clone();
                f.extend(pairs(&r["with"]));
                f.push(Field::new(opt, r["value"].as_str().unwrap()));
                if !check_fields(ty, &f, true).iter().any(|x| x.is_error()) {
                    wrong.push(format!(
                        "{ty_name}.{opt}={} with {} was refused by Asterisk; not flagged",
                        r["value"], r["with"]
                    ));
                }
            }
        }
    }
    println!("{accepted} accepted and {rejected} refused values checked");
    assert!(
        wrong.is_empty(),
        "{} values judged differently:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// PUTs Asterisk accepted that Conjure refuses on purpose, with why.
const REFUSED_ON_PURPOSE: &[(&str, &str)] = &[
    (
        "nocodec/create-endpoint-no-allow",
        "an endpoint without codecs can never be updated again",
    ),
    (
        "atomic/allow-then-disallow-all",
        "leaves the endpoint without codecs",
    ),
    (
        "invalid/endpoint-direct_media-maybe",
        "a new endpoint without allow has no codecs",
    ),
];

#[test]
fn every_refused_put_of_the_transcript_is_flagged() {
    let mut exists = std::collections::HashSet::new();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for line in TRANSCRIPT.lines() {
        let x: Value = serde_json::from_str(line).unwrap();
        let name = x["name"].as_str().unwrap();
        let path = x["path"].as_str().unwrap();
        let Some(rest) = path.strip_prefix("/ari/asterisk/config/dynamic/res_pjsip/") else {
            continue;
        };
        let Some((ty_name, id)) = rest.split_once('/') else {
            continue;
        };
        let Some(ty) = ObjectType::parse(ty_name) else {
            continue;
        };
        let status = x["status"].as_u64();
        let key = (ty_name.to_string(), id.to_string());
        if name.starts_with("persist/after-restart") || name.starts_with("crash") {
            continue;
        }
        match x["method"].as_str().unwrap() {
            "DELETE" if status == Some(204) => {
                exists.remove(&key);
            }
            "PUT" => {
                let body = &x["request_body"];
                let list = body["fields"].as_array();
                let valid_shape = list.is_some_and(|l| {
                    l.iter()
                        .all(|f| f["attribute"].is_string() && f["value"].is_string())
                });
                let json_ct = x["request_content_type"]
                    .as_str()
                    .is_none_or(|c| c.starts_with("application/json"));
                if valid_shape
                    && json_ct
                    && ty.can_put()
                    && ![ObjectType::Phoneprov, ObjectType::Global].contains(&ty)
                {
                    let fields = fields_of(&body["fields"]);
                    let creating = !exists.contains(&key);
                    let flagged = check_fields(ty, &fields, creating)
                        .into_iter()
                        .filter(|f| f.is_error())
                        .collect::<Vec<_>>();
                    let refused = status == Some(400)
                        && x["response_body"]["message"]
                            .as_str()
                            .is_some_and(|m| m.ends_with("failed field value validation"));
                    let on_purpose = REFUSED_ON_PURPOSE.iter().any(|(n, _)| *n == name);
                    checked += 1;
                    match (refused || on_purpose, flagged.is_empty()) {
                        (true, true) => wrong.push(format!(
                            "{name}: Asterisk refused it, Conjure did not flag it"
                        )),
                        (false, false) if status == Some(200) => wrong.push(format!(
                            "{name}: Asterisk accepted it, Conjure flagged {flagged:?}"
                        )),
                        _ => {}
                    }
                }
                if status == Some(200) {
                    exists.insert(key);
                }
            }
            _ => {}
        }
    }
    println!("{checked} PUTs checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
