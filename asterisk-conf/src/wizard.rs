//! `pjsip_wizard.conf` expanded into the objects `res_pjsip_config_wizard` of Asterisk 22.10.1 makes of
//! it: for each section with `type = wizard`, an auth for each direction it authenticates
//! (`<name>-oauth`, `<name>-iauth`), an aor and an endpoint named as the section, an identify
//! (`<name>-identify`) unless it accepts registrations, a registration per remote host
//! (`<name>-reg-N`) when it sends them, and a phoneprov (`<name>-phoneprov`). Options under a prefix
//! (`endpoint/`, `aor/`, `inbound_auth/`, `outbound_auth/`, `identify/`, `registration/`, `phoneprov/`)
//! go to that object, in order, with the prefix taken off.
//!
//! Each object type is made on its own, as the wizard does: one that cannot be made (no
//! `remote_hosts` for an identify) is a [`WizardProblem`] and the wizard's other objects are still
//! made. What push configuration cannot hold (hints, which are dialplan) is listed as staying in the
//! file, with the reason.

use crate::{Config, Opt, Place, Section};

/// One object the wizard makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WizardObject {
    /// Its sorcery type (`auth`, `aor`, `endpoint`, `identify`, `registration`, `phoneprov`).
    pub object_type: &'static str,
    /// Its id.
    pub id: String,
    /// Its options in the order the wizard applies them, each with where it came from (the wizard
    /// section's header for those the wizard adds itself).
    pub fields: Vec<(String, String, Place)>,
    /// The wizard section it came from.
    pub wizard: String,
    /// Where that section's header was written.
    pub at: Place,
}

/// Something of a wizard that is not made, and why, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WizardProblem {
    /// Where (the option, or the section's header).
    pub at: Place,
    /// Asterisk refuses to make it (`true`), or it stays in the file because push configuration
    /// cannot hold it (`false`).
    pub refused: bool,
    /// What, in words.
    pub message: String,
}

/// Everything the wizard sections of `config` make.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The objects, in the order a push must make them (auths before what names them).
    pub objects: Vec<WizardObject>,
    /// What is not made, and why.
    pub problems: Vec<WizardProblem>,
}

/// Asterisk's `ast_true`.
fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|v| {
        ["yes", "true", "y", "t", "1", "on"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(v.trim()))
    })
}

/// The last value of `name` in the wizard's options (`ast_variable_find_last_in_list`: names compared
/// exactly).
fn last<'a>(opts: &'a [Opt], name: &str) -> Option<&'a str> {
    opts.iter()
        .rev()
        .find(|o| o.name == name)
        .map(|o| o.value.as_str())
}

/// The options under `prefix`, the prefix taken off (`get_object_variables`).
fn under(opts: &[Opt], prefix: &str) -> Vec<(String, String, Place)> {
    opts.iter()
        .filter(|o| o.name.starts_with(prefix) && o.name.len() > prefix.len())
        .map(|o| {
            (
                o.name[prefix.len()..].to_string(),
                o.value.clone(),
                o.at.clone(),
            )
        })
        .collect()
}

fn has(fields: &[(String, String, Place)], name: &str) -> bool {
    fields.iter().any(|(n, _, _)| n == name)
}

/// `${NAME}` replaced from `vars` (an unknown variable is empty, as in Asterisk's substitution).
fn substitute(pattern: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 2..start + end];
        if let Some((_, v)) = vars.iter().find(|(n, _)| *n == name) {
            out.push_str(v);
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Expands every section of `config` whose `type` is `wizard`.
pub fn expand(config: &Config) -> Expanded {
    let mut all = Expanded::default();
    for s in config.objects() {
        if s.options
            .iter()
            .any(|o| o.name.contains("type") && o.value == "wizard")
        {
            one(s, &mut all);
        }
    }
    // Auths first, then aors, endpoints, and what names an endpoint.
    let rank = |t: &str| {
        [
            "auth",
            "aor",
            "endpoint",
            "identify",
            "registration",
            "phoneprov",
        ]
        .iter()
        .position(|x| *x == t)
        .unwrap_or(9)
    };
    all.objects.sort_by_key(|o| rank(o.object_type));
    all
}

fn one(s: &Section, all: &mut Expanded) {
    let opts = &s.options;
    let id = s.name.as_str();
    let head = s.at.clone();
    let added = |n: &str, v: &str| (n.to_string(), v.to_string(), head.clone());
    let mut object = |object_type: &'static str, id: String, fields| {
        all.objects.push(WizardObject {
            object_type,
            id,
            fields,
            wizard: s.name.clone(),
            at: s.at.clone(),
        })
    };
    let mut problems = Vec::new();
    let mut refuse = |message: String| {
        problems.push(WizardProblem {
            at: head.clone(),
            refused: true,
            message,
        })
    };
    let hosts: Vec<String> = last(opts, "remote_hosts")
        .map(|h| {
            h.split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let sends_auth = truthy(last(opts, "sends_auth"));
    let accepts_auth = truthy(last(opts, "accepts_auth"));
    let outbound_proxy = last(opts, "outbound_proxy").filter(|p| !p.is_empty());
    let transport = last(opts, "transport").filter(|t| !t.is_empty());

    for (direction, suffix, on) in [
        ("outbound", "oauth", sends_auth),
        ("inbound", "iauth", accepts_auth),
    ] {
        if !on {
            continue;
        }
        let mut fields = under(opts, &format!("{direction}_auth/"));
        if !has(&fields, "username") {
            refuse(format!(
                "wizard '{id}' {} but has no '{direction}_auth/username'; Asterisk makes no {direction} auth for it",
                if direction == "outbound" {
                    "sends_auth"
                } else {
                    "accepts_auth"
                }
            ));
            continue;
        }
        if !has(&fields, "auth_type") {
            fields.push(added("auth_type", "userpass"));
        }
        object("auth", format!("{id}-{suffix}"), fields);
    }

    let mut aor = under(opts, "aor/");
    if let Some(p) = outbound_proxy {
        aor.push(added("outbound_proxy", p));
    }
    if !has(&aor, "contact") {
        let pattern = last(opts, "contact_pattern").unwrap_or("sip:${REMOTE_HOST}");
        if !pattern.is_empty() {
            for h in &hosts {
                aor.push(added(
                    "contact",
                    &substitute(pattern, &[("REMOTE_HOST", h)]),
                ));
            }
        }
    }
    object("aor", id.to_string(), aor);

    let mut endpoint = under(opts, "endpoint/");
    endpoint.push(added("aors", id));
    if let Some(p) = outbound_proxy {
        endpoint.push(added("outbound_proxy", p));
    }
    if let Some(t) = transport {
        endpoint.push(added("transport", t));
    }
    if sends_auth {
        endpoint.push(added("outbound_auth", &format!("{id}-oauth")));
    }
    if accepts_auth {
        endpoint.push(added("auth", &format!("{id}-iauth")));
    }
    object("endpoint", id.to_string(), endpoint);

    if !truthy(last(opts, "accepts_registrations"))
        && !truthy(last(opts, "sends_line_with_registrations"))
    {
        if hosts.is_empty() {
            refuse(format!(
                "wizard '{id}' has no 'remote_hosts' and does not accept registrations; Asterisk makes no identify for it"
            ));
        } else {
            let mut identify = under(opts, "identify/");
            identify.push(added("endpoint", id));
            if !has(&identify, "match") {
                for h in &hosts {
                    identify.push(added("match", h));
                }
            }
            object("identify", format!("{id}-identify"), identify);
        }
    }

    if truthy(last(opts, "sends_registrations")) {
        let username = if sends_auth {
            last(opts, "outbound_auth/username")
        } else {
            Some(id)
        };
        match (hosts.is_empty(), username) {
            (true, _) => refuse(format!(
                "wizard '{id}' sends registrations but has no 'remote_hosts'; Asterisk makes no registration for it"
            )),
            (false, None) => refuse(format!(
                "wizard '{id}' sends registrations with auth but has no 'outbound_auth/username'"
            )),
            (false, Some(user)) => {
                let mut base = under(opts, "registration/");
                if let Some(p) = outbound_proxy {
                    base.push(added("outbound_proxy", p));
                }
                let server = last(opts, "server_uri_pattern").unwrap_or("sip:${REMOTE_HOST}");
                let client =
                    last(opts, "client_uri_pattern").unwrap_or("sip:${USERNAME}@${REMOTE_HOST}");
                for (n, h) in hosts.iter().enumerate() {
                    let vars = [("REMOTE_HOST", h.as_str()), ("USERNAME", user)];
                    let mut reg = base.clone();
                    if !server.is_empty() {
                        reg.push(added("server_uri", &substitute(server, &vars)));
                    }
                    if !client.is_empty() {
                        reg.push(added("client_uri", &substitute(client, &vars)));
                    }
                    if sends_auth {
                        reg.push(added("outbound_auth", &format!("{id}-oauth")));
                    }
                    if let Some(t) = transport {
                        reg.push(added("transport", t));
                    }
                    if truthy(last(opts, "sends_line_with_registrations")) {
                        reg.push(added("line", "yes"));
                        reg.push(added("endpoint", id));
                    }
                    object("registration", format!("{id}-reg-{n}"), reg);
                }
            }
        }
    }

    if truthy(last(opts, "has_phoneprov")) {
        if last(opts, "phoneprov/MAC").is_none() {
            refuse(format!(
                "wizard '{id}' has_phoneprov but has no 'phoneprov/MAC'; Asterisk makes no phoneprov for it"
            ));
        } else {
            let mut p = under(opts, "phoneprov/");
            p.push(added("endpoint", id));
            object("phoneprov", format!("{id}-phoneprov"), p);
        }
    }

    if truthy(last(opts, "has_hint")) && last(opts, "hint_exten").is_some_and(|e| !e.is_empty()) {
        let at = opts
            .iter()
            .rev()
            .find(|o| o.name == "hint_exten")
            .map_or(head.clone(), |o| o.at.clone());
        problems.push(WizardProblem {
            at,
            refused: false,
            message: format!(
                "wizard '{id}': its hint (has_hint, hint_exten) is dialplan, which push configuration does not hold; it stays in the file"
            ),
        });
    }
    all.problems.extend(problems);
}
