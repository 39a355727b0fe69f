//! Rules about a PUT as a whole: options a new object needs, options that only work together, and the
//! endpoint that would end up with no codecs (which Asterisk 22 can never update again).

use super::{Finding, Severity};
use crate::validate::value::{c_integer, true_token};
use crate::{Field, ObjectType, codecs};

fn last<'a>(fields: &'a [Field], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|f| f.attribute.eq_ignore_ascii_case(name))
        .map(|f| f.value.as_str())
}

fn set(fields: &[Field], name: &str) -> bool {
    last(fields, name).is_some_and(|v| !v.trim().is_empty())
}

fn error(attribute: Option<&str>, message: impl Into<String>) -> Finding {
    Finding {
        severity: Severity::Error,
        index: None,
        attribute: attribute.map(str::to_string),
        message: message.into(),
    }
}

/// Object-level findings for a PUT of `fields` on a new (`creating`) or existing object.
pub fn check_object(ty: ObjectType, fields: &[Field], creating: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut need = |name: &str, why: &str| {
        if creating && !set(fields, name) {
            out.push(error(Some(name), format!("a new {ty} needs {name}: {why}")));
        }
    };
    match ty {
        ObjectType::Identify => {
            need("endpoint", "the endpoint that matching requests belong to");
            if creating
                && !["match", "match_header", "match_request_uri"]
                    .iter()
                    .any(|n| set(fields, n))
            {
                out.push(error(
                    Some("match"),
                    "a new identify needs match, match_header or match_request_uri",
                ));
            }
        }
        ObjectType::Registration => {
            need("server_uri", "the registrar to register with");
            need("client_uri", "the account to register");
            let line = last(fields, "line").is_some_and(true_token);
            if set(fields, "endpoint") && !line {
                out.push(error(
                    Some("endpoint"),
                    "endpoint only works together with line=yes",
                ));
            }
            if line && creating && !set(fields, "endpoint") {
                out.push(error(
                    Some("line"),
                    "line=yes needs an endpoint for the incoming calls",
                ));
            }
        }
        ObjectType::DomainAlias => need("domain", "the domain it stands for"),
        ObjectType::OutboundPublish => {
            need("server_uri", "where to publish");
            need("event", "what to publish, e.g. asterisk-devicestate");
        }
        ObjectType::Contact => need("uri", "the SIP URI of the contact"),
        ObjectType::Phoneprov
            if creating
                && !fields
                    .iter()
                    .any(|f| !f.attribute.eq_ignore_ascii_case("type") && !f.value.is_empty()) =>
        {
            out.push(error(None, "a new phoneprov needs at least one option with a value (Asterisk cannot show an empty one)"));
        }
        ObjectType::Auth => auth(fields, creating, &mut out),
        ObjectType::Endpoint => endpoint(fields, creating, &mut out),
        _ => {}
    }
    out
}

fn auth(fields: &[Field], creating: bool, out: &mut Vec<Finding>) {
    if creating && !set(fields, "username") {
        out.push(error(Some("username"), "a new auth needs a username"));
    }
    let auth_type = last(fields, "auth_type")
        .unwrap_or("userpass")
        .to_ascii_lowercase();
    if auth_type == "google_oauth" {
        for n in ["refresh_token", "oauth_clientid", "oauth_secret"] {
            if creating && !set(fields, n) {
                out.push(error(Some(n), format!("google_oauth needs {n}")));
            }
        }
        return;
    }
    let password = set(fields, "password");
    if creating && !password && !set(fields, "md5_cred") && !set(fields, "password_digest") {
        out.push(error(
            Some("password"),
            "a new auth needs a password (or an MD5 digest in md5_cred)",
        ));
    }
    if let Some((alg, _)) = last(fields, "password_digest").and_then(|d| d.split_once(':')) {
        let alg = alg.to_ascii_uppercase();
        let supported = |name: &str| {
            last(fields, name)
                .filter(|v| !v.is_empty())
                .unwrap_or("MD5")
                .to_ascii_uppercase()
        };
        let in_both = [
            supported("supported_algorithms_uas"),
            supported("supported_algorithms_uac"),
        ]
        .iter()
        .all(|s| s.split(',').any(|a| a.trim() == alg));
        if !in_both && !password {
            out.push(error(
                Some("password_digest"),
                format!("a {alg} digest needs {alg} in supported_algorithms_uas and supported_algorithms_uac"),
            ));
        }
    }
}

fn endpoint(fields: &[Field], creating: bool, out: &mut Vec<Finding>) {
    // The codec list after this PUT: known exactly on create, or once the PUT sets it outright.
    let mut list: Option<Vec<String>> = creating.then(Vec::new);
    for f in fields {
        let allow = f.attribute.eq_ignore_ascii_case("allow");
        if !allow && !f.attribute.eq_ignore_ascii_case("disallow") {
            continue;
        }
        let Ok(items) = codecs::parse(&f.value) else {
            continue;
        };
        let replace = allow && f.value.trim().starts_with('(');
        if replace {
            list = Some(Vec::new());
        }
        for (remove, name) in items {
            let add = allow != remove;
            let names: Vec<String> = if name == "all" {
                codecs::KNOWN.iter().map(|s| s.to_string()).collect()
            } else {
                vec![name]
            };
            match (&mut list, add) {
                (Some(l), _) => {
                    l.retain(|c| !names.contains(c));
                    if add {
                        l.extend(names);
                    }
                }
                (None, false) if names.len() > 1 => list = Some(Vec::new()),
                _ => {}
            }
        }
    }
    if list.is_some_and(|l| l.is_empty()) {
        out.push(error(
            Some("allow"),
            "this would leave the endpoint without codecs, and Asterisk 22 can never update such an endpoint again: \
             keep at least one codec in allow (put disallow=all before allow, not after)",
        ));
    }
    let num = |n: &str| last(fields, n).and_then(|v| c_integer(v, true));
    match (num("rtp_port_start"), num("rtp_port_end")) {
        // Asterisk takes 0 (no range of the endpoint's own) alone; any other start or end needs both.
        (Some(0), Some(0) | None) | (None, Some(0) | None) => {}
        (Some(s), Some(e)) if s >= 1024 && e > s => {}
        (Some(_), Some(_)) => out.push(error(Some("rtp_port_start"), "rtp_port_start and rtp_port_end must both be at least 1024, with the end above the start")),
        _ => out.push(error(Some("rtp_port_start"), "rtp_port_start and rtp_port_end must be set together")),
    }
    // Defaults 90 and 1800; on an update the stored values are unknown, so only what the PUT sets is compared.
    let (min_se, expires) = (num("timers_min_se"), num("timers_sess_expires"));
    let (min_se, expires) = if creating {
        (min_se.or(Some(90)), expires.or(Some(1800)))
    } else {
        (min_se, expires)
    };
    if let (Some(m), Some(e)) = (min_se, expires)
        && e < m
    {
        out.push(error(
            Some("timers_sess_expires"),
            "timers_sess_expires must be at least timers_min_se",
        ));
    }
    if last(fields, "preferred_codec_only").is_some_and(true_token)
        && set(fields, "incoming_call_offer_pref")
    {
        out.push(error(
            Some("preferred_codec_only"),
            "preferred_codec_only and incoming_call_offer_pref cannot be set together",
        ));
    }
    if last(fields, "dtls_auto_generate_cert").is_some_and(true_token)
        && set(fields, "dtls_cert_file")
    {
        out.push(error(
            Some("dtls_auto_generate_cert"),
            "dtls_auto_generate_cert cannot be combined with dtls_cert_file",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint_with(pairs: &[(&str, &str)]) -> Vec<String> {
        let mut fields = vec![Field::new("allow", "ulaw")];
        fields.extend(pairs.iter().map(|(a, v)| Field::new(*a, *v)));
        check_object(ObjectType::Endpoint, &fields, false)
            .into_iter()
            .filter(|f| f.attribute.as_deref() == Some("rtp_port_start"))
            .map(|f| f.message)
            .collect()
    }

    /// OPTION-VALUES: "rtp_port_start/rtp_port_end only 0 alone, otherwise both >= 1024 and end > start".
    #[test]
    fn rtp_ports_as_asterisk_takes_them() {
        assert!(endpoint_with(&[("rtp_port_start", "0")]).is_empty());
        assert!(endpoint_with(&[("rtp_port_end", "0")]).is_empty());
        assert!(
            endpoint_with(&[("rtp_port_start", "10000"), ("rtp_port_end", "20000")]).is_empty()
        );
        assert_eq!(endpoint_with(&[("rtp_port_start", "10000")]).len(), 1);
        assert_eq!(
            endpoint_with(&[("rtp_port_start", "20000"), ("rtp_port_end", "10000")]).len(),
            1
        );
        assert_eq!(
            endpoint_with(&[("rtp_port_start", "80"), ("rtp_port_end", "90")]).len(),
            1
        );
    }
}
