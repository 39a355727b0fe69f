//! Whether what a file says of an object is what Asterisk already holds, option by option, compared
//! the way Asterisk renders values (OPTION-VALUES.md): `yes` is `true`, `0x10` is `16`, `3` is
//! `3.000000`, codec lists are what `disallow` and `allow` leave, list options such as `match` and
//! `contact` are held when each value is among Asterisk's. So an object the file does not change is
//! "unchanged", never an update. Options the file does not set are not compared: a PUT keeps them.

use std::collections::BTreeMap;

use model::catalog::{self, Kind};
use model::{Field, ObjectType, codecs};

/// Options whose every line adds to what the object holds, rather than replacing it.
const ADDING: [&str; 3] = ["contact", "match", "set_var"];

/// The options of `written` whose values Asterisk's rendering `now` does not hold: each as (option,
/// what the file says, what Asterisk has). Empty: the object is unchanged.
pub fn differences(
    ty: ObjectType,
    written: &[Field],
    now: &[Field],
) -> Vec<(String, String, String)> {
    let rendered: BTreeMap<String, &str> = now
        .iter()
        .map(|f| (f.attribute.to_ascii_lowercase(), f.value.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    let mut codec_lines: Vec<(bool, &str)> = Vec::new();
    for f in written {
        let name = f.attribute.to_ascii_lowercase();
        match name.as_str() {
            "allow" => codec_lines.push((true, &f.value)),
            "disallow" => codec_lines.push((false, &f.value)),
            n if ADDING.contains(&n) => {
                let has = rendered.get(n).copied().unwrap_or_default();
                let items: Vec<&str> = has.split(',').map(str::trim).collect();
                for v in f.value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                    // A bare address is rendered with its mask: `192.0.2.1` is `192.0.2.1/255.255.255.255`.
                    let held = items.iter().any(|i| {
                        i.eq_ignore_ascii_case(v)
                            || i.strip_prefix(v).is_some_and(|rest| rest.starts_with('/'))
                    });
                    if !held {
                        out.push((f.attribute.clone(), f.value.clone(), has.to_string()));
                        break;
                    }
                }
            }
            _ => {
                last.insert(name, f.value.clone());
            }
        }
    }
    for (name, value) in last {
        let has = rendered.get(&name).copied().unwrap_or_default();
        if !same(ty, &name, &value, has) {
            out.push((name, value, has.to_string()));
        }
    }
    if !codec_lines.is_empty() {
        let has = rendered.get("allow").copied().unwrap_or_default();
        match codecs_after(&codec_lines) {
            Some(list)
                if codecs::parse(has).is_ok_and(|now| {
                    now.iter()
                        .map(|(_, n)| n.as_str())
                        .eq(list.iter().map(String::as_str))
                }) => {}
            _ => {
                let said: Vec<String> = codec_lines
                    .iter()
                    .map(|(allow, v)| format!("{}={v}", if *allow { "allow" } else { "disallow" }))
                    .collect();
                out.push(("allow".into(), said.join(", "), has.to_string()));
            }
        }
    }
    out
}

/// The codec list `disallow` and `allow` lines leave on a new endpoint, in order; `None` when `all` is
/// allowed (the list is then Asterisk's own, which the file does not say).
fn codecs_after(lines: &[(bool, &str)]) -> Option<Vec<String>> {
    let mut list: Vec<String> = Vec::new();
    for (allow, value) in lines {
        for (remove, name) in codecs::parse(value).ok()? {
            let adding = *allow && !remove;
            if name == "all" {
                if adding {
                    return None;
                }
                list.clear();
            } else if adding {
                if !list.contains(&name) {
                    list.push(name);
                }
            } else {
                list.retain(|c| *c != name);
            }
        }
    }
    Some(list)
}

/// Whether Asterisk, told `written` for `attribute`, renders `rendered`.
pub fn same(ty: ObjectType, attribute: &str, written: &str, rendered: &str) -> bool {
    let (w, r) = (written.trim(), rendered.trim());
    if w == r {
        return true;
    }
    let Some(opt) = catalog::option(ty, attribute) else {
        return false;
    };
    match opt.kind {
        Kind::Bool => truth(w) == truth(r),
        Kind::Integer { .. } => {
            let unsigned = opt.raw.help_type == "Unsigned Integer";
            matches!(
                (model::validate::c_integer(w, unsigned), model::validate::c_integer(r, unsigned)),
                (Some(a), Some(b)) if a == b
            )
        }
        Kind::Float => matches!(
            (w.parse::<f64>(), r.parse::<f64>()),
            (Ok(a), Ok(b)) if (a - b).abs() < 1e-9
        ),
        Kind::Enum { case_sensitive, .. } => {
            let norm = |s: &str| -> Vec<String> {
                s.split(',')
                    .map(|x| {
                        let x = x.trim();
                        if case_sensitive {
                            x.to_string()
                        } else {
                            x.to_ascii_lowercase()
                        }
                    })
                    .filter(|x| !x.is_empty())
                    .collect()
            };
            norm(w) == norm(r)
        }
        _ => {
            let norm = |s: &str| s.split(',').map(str::trim).collect::<Vec<_>>().join(",");
            norm(w) == norm(r)
        }
    }
}

/// Asterisk's `ast_true`, and its renderings (`true`, `yes`, `Yes`).
fn truth(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "yes" | "true" | "y" | "t" | "1" | "on"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(a: &str, v: &str) -> Field {
        Field::new(a, v)
    }

    #[test]
    fn values_compare_as_asterisk_renders_them() {
        let e = ObjectType::Endpoint;
        assert!(same(e, "direct_media", "no", "false"));
        assert!(same(e, "direct_media", "yes", "true"));
        assert!(!same(e, "direct_media", "yes", "false"));
        assert!(same(e, "rtp_timeout", "0x10", "16"));
        assert!(same(e, "rtp_timeout", " +7", "7"));
        assert!(same(ObjectType::Aor, "qualify_timeout", "3", "3.000000"));
        assert!(same(e, "dtmf_mode", "RFC4733", "rfc4733"));
        assert!(
            !same(e, "context", "Default", "default"),
            "strings are exact"
        );
    }

    #[test]
    fn an_object_as_the_file_says_is_unchanged_and_any_other_value_is_an_update() {
        let written = [
            f("context", "from-internal"),
            f("disallow", "all"),
            f("allow", "ulaw,alaw"),
            f("direct_media", "no"),
            f("rtp_timeout", "30"),
        ];
        let now = [
            f("context", "from-internal"),
            f("allow", "(ulaw|alaw)"),
            f("direct_media", "false"),
            f("rtp_timeout", "30"),
            f("callerid", "<unknown>"),
        ];
        assert!(differences(ObjectType::Endpoint, &written, &now).is_empty());
        let mut other = now.to_vec();
        other[1] = f("allow", "(alaw|ulaw)");
        other[3] = f("rtp_timeout", "60");
        let d = differences(ObjectType::Endpoint, &written, &other);
        let names: Vec<&str> = d.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["rtp_timeout", "allow"], "{d:?}");
    }

    #[test]
    fn list_options_are_held_when_each_value_is_there() {
        let written = [
            f("endpoint", "itsp"),
            f("match", "192.0.2.1"),
            f("match", "198.51.100.0/24"),
        ];
        let now = [
            f("endpoint", "itsp"),
            f(
                "match",
                "192.0.2.1/255.255.255.255,198.51.100.0/255.255.255.0",
            ),
        ];
        // The second match is rendered with a mask Conjure does not compute: it counts as a change.
        let d = differences(ObjectType::Identify, &written, &now);
        assert_eq!(d.len(), 1, "{d:?}");
        let now = [
            f("endpoint", "itsp"),
            f("match", "192.0.2.1/255.255.255.255,198.51.100.0/24"),
        ];
        assert!(differences(ObjectType::Identify, &written, &now).is_empty());
    }
}
