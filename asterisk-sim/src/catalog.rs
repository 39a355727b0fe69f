//! What the simulator knows about each sorcery type, read from the measurements of a real Asterisk 22.10.1
//! (`reference/pjsip-options.json`: rendering order and fresh-object values; `reference/option-values.json`: values
//! tried per option, accepted with their rendering or rejected).

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Where a type's objects live, as in the reference `sorcery.conf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// astdb with a memory cache: survives a restart; the last ~1 s of writes is lost in a crash.
    Astdb,
    /// Gone after any restart.
    Memory,
    /// From pjsip.conf: readable, never writable.
    Config,
    /// Created over ARI but cannot be rendered (GET and PUT answer 500).
    Unrenderable,
}

/// The option value classes of `config show help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Unsigned,
    Integer,
    Double,
    Codec,
    Custom,
    Text,
    Ignored,
}

/// One option of one type.
#[derive(Debug)]
pub struct OptSpec {
    pub name: String,
    pub kind: Kind,
    /// What GET shows when the option was never set; `None`: the attribute is absent.
    pub unset: Option<String>,
    /// Exact input -> rendering (a list when GET repeats the attribute, `None` when it is absent).
    pub accepted: HashMap<String, Option<Rendered>>,
    /// Lower-cased accepted input -> rendering, for enumerations that ignore case.
    pub accepted_ci: HashMap<String, Option<Rendered>>,
    pub rejected: HashSet<String>,
    /// Whether an upper-case variant of an accepted value was rejected.
    pub case_sensitive: bool,
    /// Inclusive bounds for integer options, from the boundary probes.
    pub range: Option<(i128, i128)>,
    /// Whether the help lists choices (then anything else is refused).
    pub enumerated: bool,
    /// Values accepted only together with another field of the same PUT (registration `endpoint` and
    /// `line=yes` need each other): value -> those fields. The object's check refuses them alone.
    pub needs: HashMap<String, Vec<(String, String)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rendered {
    One(String),
    Many(Vec<String>),
}

/// One type.
#[derive(Debug)]
pub struct TypeSpec {
    pub name: &'static str,
    pub backend: Backend,
    /// Attributes in the order GET renders them.
    pub order: Vec<String>,
    /// Keyed by lower-case name.
    pub options: HashMap<String, OptSpec>,
    /// Fixed renderings for read-only types (transport-udp).
    pub fixed: Vec<(String, String)>,
}

pub struct Catalog {
    pub types: HashMap<&'static str, TypeSpec>,
}

const TYPES: &[(&str, &str, Backend)] = &[
    ("endpoint", "res_pjsip", Backend::Astdb),
    ("auth", "res_pjsip", Backend::Astdb),
    ("aor", "res_pjsip", Backend::Astdb),
    ("contact", "res_pjsip", Backend::Memory),
    ("domain_alias", "res_pjsip", Backend::Memory),
    ("global", "res_pjsip", Backend::Memory),
    (
        "identify",
        "res_pjsip_endpoint_identifier_ip",
        Backend::Memory,
    ),
    (
        "registration",
        "res_pjsip_outbound_registration",
        Backend::Memory,
    ),
    (
        "outbound-publish",
        "res_pjsip_outbound_publish",
        Backend::Memory,
    ),
    (
        "asterisk-publication",
        "res_pjsip_publish_asterisk",
        Backend::Memory,
    ),
    ("phoneprov", "res_pjsip_phoneprov_provider", Backend::Memory),
    ("transport", "res_pjsip", Backend::Config),
    ("system", "res_pjsip", Backend::Config),
    ("resource_list", "res_pjsip_pubsub", Backend::Config),
    ("acl", "res_pjsip_acl", Backend::Unrenderable),
    (
        "inbound-publication",
        "res_pjsip_pubsub",
        Backend::Unrenderable,
    ),
];

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(load)
}

fn load() -> Catalog {
    let options: Value = serde_json::from_str(include_str!("../reference/pjsip-options.json"))
        .expect("pjsip-options.json");
    let values: Value = serde_json::from_str(include_str!("../reference/option-values.json"))
        .expect("option-values.json");
    let mut types = HashMap::new();
    for &(name, module, backend) in TYPES {
        let help = &options["modules"][module][name];
        let get_values = help["ari_get_values"]["values"].as_object();
        let mut order: Vec<String> = get_values
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let measured = values["types"][name].as_object();
        let mut opts = HashMap::new();
        for o in help["options"].as_array().into_iter().flatten() {
            let oname = o["name"].as_str().unwrap_or_default().to_string();
            let m = measured.and_then(|m| m.get(&oname));
            let spec = opt_spec(&oname, o["type"].as_str().unwrap_or("String"), m);
            if spec.unset.is_some() && !order.contains(&oname) && name != "phoneprov" {
                order.push(oname.clone());
            }
            opts.insert(oname.to_ascii_lowercase(), spec);
        }
        // Options rendered only once set (contact_user, security_mechanisms).
        for o in opts.values() {
            if !order.contains(&o.name)
                && o.kind != Kind::Ignored
                && name != "phoneprov"
                && measured.is_some()
            {
                let renders = o.accepted.values().any(|r| r.is_some());
                if renders
                    && !matches!(
                        o.name.as_str(),
                        "disallow"
                            | "deny"
                            | "permit"
                            | "contact_deny"
                            | "contact_permit"
                            | "outbound_auth"
                            | "device_state_filter"
                            | "mailbox_state_filter"
                    )
                {
                    // Where the random recording shows them; elsewhere, last.
                    let before = match (name, o.name.as_str()) {
                        ("endpoint", "contact_user") => Some("suppress_moh_on_sendonly"),
                        ("endpoint", "security_mechanisms") => Some("100rel"),
                        ("registration", "security_mechanisms") => Some("outbound_proxy"),
                        _ => None,
                    };
                    match before.and_then(|b| order.iter().position(|x| x == b)) {
                        Some(at) => order.insert(at, o.name.clone()),
                        None => order.push(o.name.clone()),
                    }
                }
            }
        }
        // Accepted but never rendered: lost on the first update.
        order.retain(|a| !(name == "outbound-publish" && a == "outbound_auth"));
        let fixed = if backend == Backend::Config {
            get_values
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        types.insert(
            name,
            TypeSpec {
                name,
                backend,
                order,
                options: opts,
                fixed,
            },
        );
    }
    Catalog { types }
}

fn kind_of(help_type: &str) -> Kind {
    match help_type {
        "Boolean" => Kind::Bool,
        "Unsigned Integer" => Kind::Unsigned,
        "Integer" => Kind::Integer,
        "Double" => Kind::Double,
        "Codec" => Kind::Codec,
        "Custom" => Kind::Custom,
        "None" => Kind::Ignored,
        _ => Kind::Text,
    }
}

fn rendered(v: &Value) -> Option<Rendered> {
    match v {
        Value::String(s) => Some(Rendered::One(s.clone())),
        Value::Array(a) => Some(Rendered::Many(
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        )),
        _ => None,
    }
}

fn opt_spec(name: &str, help_type: &str, m: Option<&Value>) -> OptSpec {
    let mut kind = kind_of(help_type);
    if name == "type" {
        kind = Kind::Ignored;
    }
    let mut accepted = HashMap::new();
    let mut accepted_ci = HashMap::new();
    let mut rejected = HashSet::new();
    let mut unset = None;
    let mut enumerated = false;
    let mut needs: HashMap<String, Vec<(String, String)>> = HashMap::new();
    if let Some(m) = m {
        unset = m["get_when_unset"].as_str().map(str::to_string);
        enumerated = m
            .get("choices_in_help")
            .is_some_and(|c| c.as_array().is_some_and(|a| !a.is_empty()));
        for a in m["accepted"].as_array().into_iter().flatten() {
            // Companion cases depend on other fields of the same PUT; they say nothing about the value alone.
            if let (Some(with), Some(v)) = (a["with"].as_object(), a["value"].as_str()) {
                needs.entry(v.to_string()).or_insert_with(|| {
                    with.iter()
                        .filter_map(|(k, x)| x.as_str().map(|x| (k.clone(), x.to_string())))
                        .collect()
                });
            }
            if a.get("with").is_some() || a.get("update_status").is_some() {
                continue;
            }
            if let Some(v) = a["value"].as_str() {
                let r = rendered(&a["renders_as"]);
                accepted_ci
                    .entry(v.to_ascii_lowercase())
                    .or_insert_with(|| r.clone());
                accepted.insert(v.to_string(), r);
            }
        }
        for r in m["rejected"].as_array().into_iter().flatten() {
            if let Some(v) = r.as_str() {
                rejected.insert(v.to_string());
            }
        }
    }
    // Only the measured pair that needs each other moves from the field's check to the object's; the other
    // companion cases (an empty auth password beside a digest, google_oauth with its three fields, rtp
    // ports) stay refused where Asterisk's copy of an object refuses them too.
    needs.retain(|_, companions| {
        companions.iter().all(|(c, _)| {
            matches!(
                (name, c.as_str()),
                ("endpoint", "line") | ("line", "endpoint")
            )
        })
    });
    rejected.retain(|v| !needs.contains_key(v));
    let case_sensitive = accepted.keys().any(|a| {
        let up = a.to_ascii_uppercase();
        up != *a && rejected.contains(&up)
    });
    let range = if matches!(kind, Kind::Unsigned | Kind::Integer) {
        int_range(kind, &accepted, &rejected)
    } else {
        None
    };
    OptSpec {
        name: name.to_string(),
        kind,
        unset,
        accepted,
        accepted_ci,
        rejected,
        case_sensitive,
        range,
        enumerated,
        needs,
    }
}

fn int_range(
    kind: Kind,
    accepted: &HashMap<String, Option<Rendered>>,
    rejected: &HashSet<String>,
) -> Option<(i128, i128)> {
    let (mut lo, mut hi) = if kind == Kind::Unsigned {
        (0i128, u32::MAX as i128)
    } else {
        (i32::MIN as i128, i32::MAX as i128)
    };
    let acc: Vec<i128> = accepted.keys().filter_map(|k| k.parse().ok()).collect();
    let (amin, amax) = (acc.iter().min().copied()?, acc.iter().max().copied()?);
    for r in rejected.iter().filter_map(|k| k.parse::<i128>().ok()) {
        if r > amax && r - 1 < hi {
            hi = r - 1;
        }
        if r < amin && r + 1 > lo {
            lo = r + 1;
        }
    }
    Some((lo, hi))
}

impl TypeSpec {
    pub fn option(&self, attr: &str) -> Option<&OptSpec> {
        self.options.get(&attr.to_ascii_lowercase())
    }
}
