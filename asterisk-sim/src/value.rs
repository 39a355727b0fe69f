//! Parsing one option value the way Asterisk's config framework does, and rendering it the way ARI shows it.

use crate::catalog::{Kind, OptSpec, Rendered};

/// The value was refused (Asterisk logs the reason and answers 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected;

/// Asterisk's `ast_true`: these mean true in any case; everything else is false and never an error.
pub fn ast_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "y" | "t" | "1" | "on"
    )
}

/// Parses a scalar option. `Ok(None)` means the option renders nothing.
pub fn parse(o: &OptSpec, v: &str) -> Result<Option<Rendered>, Rejected> {
    if let Some(r) = o.accepted.get(v) {
        return Ok(r.clone());
    }
    if o.rejected.contains(v) {
        return Err(Rejected);
    }
    match o.kind {
        Kind::Ignored => Ok(None),
        Kind::Bool => {
            let yes_no = matches!(o.unset.as_deref(), Some("yes" | "no"));
            let s = match (ast_true(v), yes_no) {
                (true, true) => "yes",
                (false, true) => "no",
                (true, false) => "true",
                (false, false) => "false",
            };
            Ok(Some(Rendered::One(s.into())))
        }
        Kind::Unsigned | Kind::Integer => {
            let n = parse_c_integer(v, o.kind == Kind::Unsigned).ok_or(Rejected)?;
            if let Some((lo, hi)) = o.range
                && (n < lo || n > hi)
            {
                return Err(Rejected);
            }
            Ok(Some(Rendered::One(n.to_string())))
        }
        Kind::Double => {
            let t = v.trim_start();
            let f = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                i64::from_str_radix(h, 16).map_err(|_| Rejected)? as f64
            } else {
                t.parse::<f64>().map_err(|_| Rejected)?
            };
            if !f.is_finite() {
                return Err(Rejected);
            }
            Ok(Some(Rendered::One(format!("{f:.6}"))))
        }
        Kind::Custom | Kind::Text | Kind::Codec => {
            if !o.case_sensitive
                && let Some(r) = o.accepted_ci.get(&v.to_ascii_lowercase())
            {
                return Ok(r.clone());
            }
            if o.enumerated {
                Err(Rejected)
            } else {
                Ok(Some(Rendered::One(v.to_string())))
            }
        }
    }
}

/// `strtoul`/`strtol` as Asterisk's option parser uses them: leading blanks, a sign, `0x` hex; the whole
/// string must be consumed, and unsigned options refuse a minus sign.
pub fn parse_c_integer(v: &str, unsigned: bool) -> Option<i128> {
    let t = v.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if neg && unsigned {
        return None;
    }
    let n = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        if h.is_empty() || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        i128::from_str_radix(h, 16).ok()?
    } else {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) || t.len() > 30 {
            return None;
        }
        t.parse::<i128>().ok()?
    };
    let n = if neg { -n } else { n };
    let (lo, hi) = if unsigned {
        (0, u32::MAX as i128)
    } else {
        (i32::MIN as i128, i32::MAX as i128)
    };
    (lo..=hi).contains(&n).then_some(n)
}

/// Asterisk's `ast_str2tos` (main/acl.c): `sscanf("%i")` first (so a number with trailing text counts,
/// masked to a byte), then the DSCP names, whose code point is shifted into the TOS byte.
pub fn str2tos(v: &str) -> Option<u8> {
    if let Some(n) = scan_c_int(v) {
        return Some((n & 0xff) as u8);
    }
    const DSCP: [(&str, u8); 21] = [
        ("CS0", 0x00),
        ("CS1", 0x08),
        ("CS2", 0x10),
        ("CS3", 0x18),
        ("CS4", 0x20),
        ("CS5", 0x28),
        ("CS6", 0x30),
        ("CS7", 0x38),
        ("AF11", 0x0a),
        ("AF12", 0x0c),
        ("AF13", 0x0e),
        ("AF21", 0x12),
        ("AF22", 0x14),
        ("AF23", 0x16),
        ("AF31", 0x1a),
        ("AF32", 0x1c),
        ("AF33", 0x1e),
        ("AF41", 0x22),
        ("AF42", 0x24),
        ("AF43", 0x26),
        ("EF", 0x2e),
    ];
    DSCP.iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(v))
        .map(|(_, space)| space << 2)
}

/// What C's `sscanf(v, "%i")` reads: leading blanks, a sign, then hex (`0x`), octal (`0`) or decimal
/// digits, stopping at the first other character; `None` when no digit comes.
fn scan_c_int(v: &str) -> Option<i64> {
    let t = v.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = match t.as_bytes() {
        [b'0', b'x' | b'X', h, ..] if h.is_ascii_hexdigit() => (16, &t[2..]),
        [b'0', ..] => (8, t),
        _ => (10, t),
    };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    // glibc saturates what does not fit an int at INT_MAX / INT_MIN.
    let n = i64::from_str_radix(&digits[..end], radix).unwrap_or(i64::MAX);
    let n = if neg { -n } else { n };
    Some(n.clamp(i32::MIN as i64, i32::MAX as i64))
}

#[cfg(test)]
mod tos_tests {
    #[test]
    fn tos_as_asterisk_reads_it() {
        use super::str2tos;
        for (given, tos) in [
            ("ef", Some(184)),
            ("EF", Some(184)),
            ("cs3", Some(96)),
            ("af41", Some(136)),
            ("0x10", Some(16)),
            ("46", Some(46)),
            ("256", Some(0)),
            ("-1", Some(255)),
            ("010", Some(8)),
            ("12abc", Some(12)),
            ("lowdelay", None),
            ("", None),
            ("bogus", None),
        ] {
            assert_eq!(str2tos(given), tos, "{given}");
        }
    }
}

/// Normalises one identify `match` entry: an IPv4/IPv6 address with optional port, prefix or dotted mask.
pub fn normalise_match(item: &str) -> Result<String, Rejected> {
    let item = item.trim();
    let (addr, mask) = match item.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (item, None),
    };
    let addr = if addr.eq_ignore_ascii_case("localhost") {
        "127.0.0.1"
    } else {
        addr
    };
    if let Some((ip, port)) = split_v4_port(addr) {
        let ip: std::net::Ipv4Addr = ip.parse().map_err(|_| Rejected)?;
        let mask = match mask {
            None => std::net::Ipv4Addr::from(u32::MAX),
            Some(m) if m.contains('.') => m.parse().map_err(|_| Rejected)?,
            Some(m) => {
                let bits: u32 = m.parse().map_err(|_| Rejected)?;
                if bits > 32 {
                    return Err(Rejected);
                }
                std::net::Ipv4Addr::from(if bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - bits)
                })
            }
        };
        let net = std::net::Ipv4Addr::from(u32::from(ip) & u32::from(mask));
        return Ok(match port {
            Some(p) => format!("{net}:{p}/{mask}"),
            None => format!("{net}/{mask}"),
        });
    }
    // `[2001:db8::1]:5060`: Asterisk keeps the brackets and the port in the rendering.
    let (bare, port) = match addr.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((ip, "")) => (ip, None),
        Some((ip, rest)) => (
            ip,
            Some(
                rest.strip_prefix(':')
                    .filter(|p| p.parse::<u16>().is_ok())
                    .ok_or(Rejected)?,
            ),
        ),
        None => (addr, None),
    };
    let ip: std::net::Ipv6Addr = bare.parse().map_err(|_| Rejected)?;
    let m: u128 = match mask {
        None => u128::MAX,
        // A mask in address form (`ffff:ffff::`), or a prefix length.
        Some(m) if m.contains(':') => {
            u128::from(m.parse::<std::net::Ipv6Addr>().map_err(|_| Rejected)?)
        }
        Some(m) => {
            let bits: u32 = m.parse().ok().filter(|b| *b <= 128).ok_or(Rejected)?;
            if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            }
        }
    };
    let net = std::net::Ipv6Addr::from(u128::from(ip) & m);
    let mask = std::net::Ipv6Addr::from(m);
    Ok(match port {
        Some(p) => format!("[{net}]:{p}/{mask}"),
        None => format!("{net}/{mask}"),
    })
}

fn split_v4_port(addr: &str) -> Option<(&str, Option<&str>)> {
    if !addr.contains('.') {
        return None;
    }
    match addr.rsplit_once(':') {
        Some((ip, port)) if port.parse::<u16>().is_ok() => Some((ip, Some(port))),
        Some(_) => None,
        None => Some((addr, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_integers() {
        assert_eq!(parse_c_integer(" 7", true), Some(7));
        assert_eq!(parse_c_integer("+5", true), Some(5));
        assert_eq!(parse_c_integer("0x10", true), Some(16));
        assert_eq!(parse_c_integer("-1", true), None);
        assert_eq!(parse_c_integer("4294967296", true), None);
        assert_eq!(parse_c_integer("1e3", true), None);
        assert_eq!(parse_c_integer("", true), None);
        assert_eq!(parse_c_integer("-2147483648", false), Some(-2147483648));
    }

    #[test]
    fn identify_matches() {
        assert_eq!(
            normalise_match("127.0.0.2").unwrap(),
            "127.0.0.2/255.255.255.255"
        );
        assert_eq!(
            normalise_match("127.0.0.3/32").unwrap(),
            "127.0.0.3/255.255.255.255"
        );
        assert_eq!(
            normalise_match("127.0.0.0/8").unwrap(),
            "127.0.0.0/255.0.0.0"
        );
        assert_eq!(
            normalise_match("127.0.0.2:5061").unwrap(),
            "127.0.0.2:5061/255.255.255.255"
        );
        assert_eq!(
            normalise_match("[::1]").unwrap(),
            "::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        );
        assert_eq!(
            normalise_match("2001:db8::/32").unwrap(),
            "2001:db8::/ffff:ffff::"
        );
        assert!(normalise_match("999.1.1.1/40").is_err());
        assert!(normalise_match("bogus").is_err());
    }
}
