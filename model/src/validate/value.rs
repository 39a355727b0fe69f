//! Rules for one option value.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::ValueCheck;
use crate::catalog::{self, Kind, OptionSpec};
use crate::{ObjectType, codecs};

/// Asterisk stores option values in fields of at most this many characters when it renders them.
const MAX_RENDERED: usize = 127;

/// Checks one `attribute=value` for a type.
pub fn check_value(ty: ObjectType, attribute: &str, value: &str) -> ValueCheck {
    if attribute.eq_ignore_ascii_case("type") {
        return Ok(Some("`type` is ignored over ARI".into()));
    }
    if !catalog::has_catalog(ty) {
        return Ok(None);
    }
    let Some(opt) = catalog::option(ty, attribute) else {
        return Err(format!("{ty} has no option '{attribute}'"));
    };
    if let Some(r) = special(&opt, value) {
        return r;
    }
    by_kind(&opt, value)
}

fn by_kind(opt: &OptionSpec, value: &str) -> ValueCheck {
    match opt.kind {
        Kind::Bool => Ok(bool_warning(value)),
        Kind::Integer { min, max } => {
            let unsigned = opt.raw.help_type == "Unsigned Integer";
            let n = c_integer(value, unsigned).ok_or_else(|| {
                if unsigned {
                    "must be a whole number, 0 or more".to_string()
                } else {
                    "must be a whole number".to_string()
                }
            })?;
            if n < min as i128 || n > max as i128 {
                return Err(format!("must be between {min} and {max}"));
            }
            Ok(None)
        }
        Kind::Float => float(value)
            .map(|_| None)
            .ok_or_else(|| "must be a number, e.g. 3 or 0.5".into()),
        Kind::Enum {
            case_sensitive,
            list,
        } => enumeration(opt, value, case_sensitive, list),
        Kind::Codecs => {
            let items = codecs::parse(value)
                .map_err(|bad| format!("'{bad}' is not a codec Asterisk knows"))?;
            if items.is_empty() {
                return Err("give at least one codec, e.g. ulaw".into());
            }
            Ok(None)
        }
        Kind::IpList => ip_list(value, opt.name() == "match"),
        Kind::SipUri => {
            for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let bare = item.trim_start_matches('<');
                let rest = bare
                    .strip_prefix("sip:")
                    .or_else(|| bare.strip_prefix("sips:"));
                if rest.is_none_or(|r| r.trim_end_matches('>').is_empty()) {
                    return Err(format!(
                        "'{item}' is not a SIP URI; write it like sip:100@192.0.2.7"
                    ));
                }
            }
            if value.trim().is_empty() && opt.accumulates {
                return Ok(Some("an empty value adds nothing".into()));
            }
            Ok(None)
        }
        Kind::Reference { list, .. } => {
            if list && value.len() > MAX_RENDERED {
                return Ok(Some(format!(
                    "Asterisk shows at most {MAX_RENDERED} characters of this list; the next update keeps only those"
                )));
            }
            Ok(None)
        }
        Kind::Unchecked => {
            let known = opt
                .raw
                .tokens
                .iter()
                .any(|(t, _)| t.eq_ignore_ascii_case(value));
            if known {
                Ok(None)
            } else {
                let fallback = opt.raw.unset.unwrap_or("its default");
                Ok(Some(format!(
                    "Asterisk does not check this value; anything it does not know becomes {fallback}"
                )))
            }
        }
        Kind::Secret | Kind::Text => Ok(None),
    }
}

/// Options whose rules are their own.
fn special(opt: &OptionSpec, value: &str) -> Option<ValueCheck> {
    use ObjectType as T;
    let v = value.trim();
    Some(match (opt.object_type, opt.name()) {
        (T::Auth, "md5_cred") => {
            if value.is_empty() || value.chars().count() == 32 {
                Ok(None)
            } else {
                Err("must be the 32-character MD5 digest of username:realm:password".into())
            }
        }
        (T::Auth, "password_digest") => value.split(',').map(str::trim).try_fold(None, |_, d| password_digest(d)),
        // Checked with the object: it needs refresh_token, oauth_clientid and oauth_secret.
        (T::Auth, "auth_type") if v.eq_ignore_ascii_case("google_oauth") => Ok(None),
        // Read with sscanf: a leading number is enough (`1.5` is 1, `-1` wraps).
        (T::Endpoint, "dtls_rekey") | (T::Contact, "expiration_time") => {
            let t = v.trim_start_matches(['+', '-']);
            if t.starts_with(|c: char| c.is_ascii_digit()) { Ok(None) } else { Err("must be a number of seconds".into()) }
        }
        (T::Endpoint, "set_var") => match value.split_once('=') {
            _ if value.is_empty() => Ok(None),
            None => Err("must be NAME=value".into()),
            Some(_) => Ok(Some("an endpoint with set_var cannot be updated over ARI again (Asterisk 22 answers 500); only delete and re-create work".into())),
        },
        (T::Endpoint, "from_user" | "mwi_from_user") if value.contains([' ', '@']) => Err("must not contain spaces or @ (it is the user part of a SIP URI)".into()),
        (T::Endpoint, "callerid") => Ok(callerid_warning(value)),
        (T::Endpoint, "subscribe_context") if value.chars().count() > 79 => Ok(Some("Asterisk keeps only the first 79 characters".into())),
        (T::Endpoint, "tos_audio" | "tos_video") => tos(v),
        (T::Endpoint, "call_group" | "pickup_group") => Ok(groups_warning(value)),
        (T::Endpoint, n) if n.starts_with("codec_prefs_") => codec_prefs(value, n == "codec_prefs_incoming_offer"),
        (T::Endpoint, "preferred_codec_only") => Ok(crate::validate::value::true_token(value).then(|| {
            "an endpoint with preferred_codec_only cannot be updated over ARI again (Asterisk 22 answers 500)".to_string()
        })),
        (T::Endpoint, "direct_media_method") => by_kind(opt, value).map(|w| {
            w.or_else(|| Some("Asterisk 22 shows connected_line_method's value here, and the next update stores that value".into()))
        }),
        (T::Endpoint, "deny" | "permit" | "contact_deny" | "contact_permit") => ip_list(value, false).map(|w| {
            w.or_else(|| Some("Asterisk 22 does not keep this option through the next update of the endpoint".into()))
        }),
        (T::Identify, "match") if v.is_empty() => Ok(Some("an empty match adds nothing and removes nothing".into())),
        (T::Identify, "match_header") => match value.split_once(':') {
            Some((name, _)) if !name.trim().is_empty() => Ok(None),
            _ if value.is_empty() => Ok(None),
            _ => Err("must be `Header-Name: value`".into()),
        },
        (T::Registration, "contact_header_params") if value.starts_with(';') => Err("must not start with ';'".into()),
        (T::Global, "debug" | "default_from_user") if value.is_empty() => Err("must not be empty".into()),
        _ => return None,
    })
}

pub(crate) fn true_token(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "y" | "t" | "1" | "on"
    )
}

fn bool_warning(v: &str) -> Option<String> {
    let known = matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "y" | "t" | "1" | "on" | "no" | "false" | "n" | "f" | "0" | "off"
    );
    (!known).then(|| format!("'{v}' is neither yes nor no; Asterisk stores it as no"))
}

/// `strtoul`/`strtol` as Asterisk's option parser uses them: leading blanks, a sign, `0x` hex; the whole
/// value must be a number.
pub fn c_integer(v: &str, unsigned: bool) -> Option<i128> {
    let t = v.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if neg && unsigned {
        return None;
    }
    let n = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) if !h.is_empty() && h.len() <= 16 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            i128::from_str_radix(h, 16).ok()?
        }
        Some(_) => return None,
        None if !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit()) => {
            t.parse().ok()?
        }
        None => return None,
    };
    Some(if neg { -n } else { n })
}

/// `strtod` syntax: sign, digits with an optional point, optional exponent; or `0x` hex. Checked by hand so
/// the browser build carries no float parser.
fn float(v: &str) -> Option<()> {
    let t = v.trim_start();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return (!h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())).then_some(());
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok_mantissa = (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac);
    let ok_exponent = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    (ok_mantissa && ok_exponent).then_some(())
}

fn enumeration(opt: &OptionSpec, value: &str, case_sensitive: bool, list: bool) -> ValueCheck {
    let tokens = opt.raw.tokens;
    let matches = |t: &str| {
        tokens.iter().any(|(tok, _)| {
            if case_sensitive {
                *tok == t
            } else {
                tok.eq_ignore_ascii_case(t)
            }
        })
    };
    let choices = || {
        let mut c: Vec<&str> = tokens
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| !t.is_empty())
            .collect();
        c.sort_unstable_by_key(|t| t.to_ascii_lowercase());
        c.dedup_by_key(|t| t.to_ascii_lowercase());
        c.join(", ")
    };
    let ok = if list && !value.is_empty() {
        value
            .split(',')
            .map(str::trim)
            .all(|t| !t.is_empty() && matches(t))
    } else {
        matches(value)
    };
    if ok {
        Ok(None)
    } else if case_sensitive && tokens.iter().any(|(t, _)| t.eq_ignore_ascii_case(value)) {
        Err(format!(
            "must be written in lower case: one of {}",
            choices()
        ))
    } else {
        Err(format!(
            "must be {}{}",
            if list {
                "a comma-separated list of "
            } else {
                "one of "
            },
            choices()
        ))
    }
}

/// IPv4 or IPv6 addresses or networks, comma-separated. A host name is resolved by Asterisk when it
/// receives the value (identify `match` only).
fn ip_list(value: &str, names_allowed: bool) -> ValueCheck {
    let mut warning = None;
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match ip_item(item) {
            Some(()) => {}
            None if names_allowed && is_host_name(item) => {
                warning = Some(format!(
                    "'{item}' is resolved by Asterisk when saved; if it does not resolve there, Asterisk refuses it"
                ));
            }
            None => {
                return Err(format!(
                    "'{item}' is not an IP address or network like 192.0.2.7, 10.0.0.0/8 or 10.0.0.0/255.0.0.0"
                ));
            }
        }
    }
    Ok(warning)
}

fn ip_item(item: &str) -> Option<()> {
    let item = item.strip_prefix('!').unwrap_or(item);
    let (addr, mask) = match item.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (item, None),
    };
    if addr.contains('.') && !addr.contains(':')
        || addr.matches(':').count() == 1 && addr.contains('.')
    {
        let ip =
            addr.rsplit_once(':').map_or(
                addr,
                |(ip, port)| if port.parse::<u16>().is_ok() { ip } else { "x" },
            );
        ip.parse::<Ipv4Addr>().ok()?;
        return match mask {
            None => Some(()),
            Some(m) if m.contains('.') => m.parse::<Ipv4Addr>().ok().map(|_| ()),
            Some(m) => m.parse::<u8>().ok().filter(|b| *b <= 32).map(|_| ()),
        };
    }
    let bare = addr
        .strip_prefix('[')
        .and_then(|a| a.split_once(']'))
        .map_or(addr, |(a, _)| a);
    bare.parse::<Ipv6Addr>().ok()?;
    match mask {
        None => Some(()),
        Some(m) if m.contains(':') => m.parse::<Ipv6Addr>().ok().map(|_| ()),
        Some(m) => m.parse::<u8>().ok().filter(|b| *b <= 128).map(|_| ()),
    }
}

fn is_host_name(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_alphabetic())
        && s.split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn password_digest(value: &str) -> ValueCheck {
    if value.is_empty() {
        return Ok(None);
    }
    let (alg, digest) = match value.split_once(':') {
        Some((a, d)) => (a.to_ascii_uppercase(), d),
        None => ("MD5".into(), value),
    };
    let len = match alg.as_str() {
        "MD5" => 32,
        "SHA-256" | "SHA-512-256" => 64,
        _ => {
            return Err(format!(
                "unknown digest algorithm '{alg}': use MD5, SHA-256 or SHA-512-256"
            ));
        }
    };
    if digest.chars().count() != len {
        return Err(format!(
            "a {alg} digest is {len} characters; write it as {alg}:<digest>"
        ));
    }
    Ok(None)
}

fn callerid_warning(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some(
            "without a caller ID, every later update over ARI stores the number 'unknown'".into(),
        );
    }
    let long = match (value.find('<'), value.rfind('>')) {
        (Some(l), Some(r)) if l < r => {
            value[..l].trim().trim_matches('"').chars().count() > 79
                || value[l + 1..r].chars().count() > 79
        }
        _ => value.chars().count() > 79,
    };
    long.then(|| "Asterisk keeps at most 79 characters of the name and of the number".into())
}

/// DSCP names (ef, cs0-cs7, af11-af43) or a number; numbers outside 0-255 wrap.
fn tos(v: &str) -> ValueCheck {
    let l = v.to_ascii_lowercase();
    let named = l == "ef"
        || l.strip_prefix("cs")
            .is_some_and(|n| matches!(n, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7"))
        || l.strip_prefix("af").is_some_and(|n| {
            let b = n.as_bytes();
            b.len() == 2 && (b'1'..=b'4').contains(&b[0]) && (b'1'..=b'3').contains(&b[1])
        });
    if named {
        return Ok(None);
    }
    match c_integer(v, false) {
        Some(n) if (0..=255).contains(&n) => Ok(None),
        Some(n) => Ok(Some(format!(
            "{n} is outside 0-255; Asterisk stores {}",
            n.rem_euclid(256)
        ))),
        None => Err("must be a DSCP name (ef, cs3, af41, …) or a number from 0 to 255".into()),
    }
}

/// Call/pickup groups: numbers 0-63 and ranges; Asterisk drops what it cannot use without refusing.
fn groups_warning(value: &str) -> Option<String> {
    let mut dropped = Vec::new();
    for part in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let ok = match part.split_once('-') {
            Some((a, b)) => {
                matches!((a.trim().parse::<u32>(), b.trim().parse::<u32>()), (Ok(a), Ok(b)) if a <= b && b <= 63)
            }
            None => part.parse::<u32>().is_ok_and(|n| n <= 63),
        };
        if !ok {
            dropped.push(part);
        }
    }
    if !dropped.is_empty() {
        return Some(format!(
            "Asterisk ignores {}: groups are 0 to 63",
            dropped.join(", ")
        ));
    }
    (value.len() > 40).then(|| "a long group list may be cut at 127 characters when shown, and the next update keeps only what was shown".into())
}

/// `prefer: pending|configured, operation: …, keep: all|first, transcode: allow|prevent`, any subset.
fn codec_prefs(value: &str, incoming_offer: bool) -> ValueCheck {
    for pair in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((k, v)) = pair.split_once(':') else {
            return Err(format!("'{pair}' must be key: value, e.g. prefer: pending"));
        };
        let (k, v) = (k.trim(), v.trim());
        let allowed: &[&str] = match k {
            "prefer" => &["pending", "configured"],
            "operation" if incoming_offer => &["intersect", "only_preferred", "only_nonpreferred"],
            "operation" => &["intersect", "union", "only_preferred", "only_nonpreferred"],
            "keep" => &["all", "first"],
            "transcode" => &["allow", "prevent"],
            _ => {
                return Err(format!(
                    "unknown key '{k}': use prefer, operation, keep or transcode"
                ));
            }
        };
        if !allowed.contains(&v) {
            return Err(format!("{k} must be one of {}", allowed.join(", ")));
        }
    }
    Ok(None)
}
