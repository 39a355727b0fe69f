//! The option catalog: every option of every writable type, what kind of value it takes, what Asterisk
//! shows when it is unset, and where a form shows it.
//!
//! The facts (`generated.rs`) come from a real Asterisk 22.10.1 through `cargo xtask catalog`; the decisions
//! (which options name other objects, which take IP lists, groups, help) are made here, in code.

#[rustfmt::skip]
mod generated;
mod help;

use crate::ObjectType;

/// One option as measured. Generated; read it through [`OptionSpec`]. Only what the forms and the checks
/// use is kept (the documented default and the version an option appeared in are not: every byte here is
/// in the panel's first download).
#[derive(Debug)]
pub struct RawOption {
    /// The option's name as Asterisk registers it.
    pub name: &'static str,
    /// The value class in `config show help` (`Boolean`, `Unsigned Integer`, `Custom`, …).
    pub help_type: &'static str,
    /// What GET shows for a fresh object (measured with the type's minimal fields set).
    pub unset: Option<&'static str>,
    /// Inclusive bounds of numeric options, found by binary search on the real Asterisk.
    pub range: Option<(i64, i64)>,
    /// Enumerations: accepted input token and its rendering.
    pub tokens: &'static [(&'static str, &'static str)],
    /// How the enumeration behaves: [`CASE_SENSITIVE`], [`LIST`], [`UNCHECKED`], [`BOOL_LIKE`].
    pub flags: u8,
}

/// Upper case is refused (`NONE` for `none`).
pub const CASE_SENSITIVE: u8 = 1;
/// A comma-separated list of tokens.
pub const LIST: u8 = 2;
/// Any value is accepted; unknown ones silently become a default.
pub const UNCHECKED: u8 = 4;
/// yes/no in the manner of `ast_true`, rendered another way.
pub const BOOL_LIKE: u8 = 8;

#[derive(Debug)]
/// One PJSIP type's options as measured.
pub struct RawType {
    /// The type's name (`endpoint`, `aor`, …).
    pub name: &'static str,
    /// Every option of the type.
    pub options: &'static [RawOption],
}

/// What kind of value an option takes; drives the widget and the validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `ast_true`: yes/true/on/1/y/t mean true; anything else is stored as false (never refused).
    Bool,
    /// Whole number in an inclusive range.
    Integer {
        /// The smallest value accepted.
        min: i64,
        /// The largest value accepted.
        max: i64,
    },
    /// A decimal number (seconds, for the qualify timeouts).
    Float,
    /// One of [`RawOption::tokens`]; `list` takes a comma-separated list of them.
    Enum {
        /// Whether Asterisk compares the values case by case.
        case_sensitive: bool,
        /// Several values, comma-separated.
        list: bool,
    },
    /// Codec names (`ulaw,alaw`, `!g729`, `all`).
    Codecs,
    /// The name of another object (not checked by Asterisk); `list` takes several, comma-separated.
    Reference {
        /// The type of the object named.
        target: ObjectType,
        /// Several names, comma-separated.
        list: bool,
    },
    /// IP addresses or networks, comma-separated (`10.0.0.0/8`, `192.0.2.7`, `[::1]`).
    IpList,
    /// A SIP URI (`sip:…` or `sips:…`).
    SipUri,
    /// A credential: write-only in the panel.
    Secret,
    /// Accepted whatever the value; Asterisk quietly replaces what it does not understand.
    Unchecked,
    /// Free text.
    Text,
}

/// The card a form shows an option on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// What most objects set.
    Basic,
    /// Codecs, RTP, DTMF.
    Media,
    /// Transports, addresses, NAT.
    Network,
    /// Authentication, TLS, SRTP, ACLs.
    Security,
    /// Everything else.
    Advanced,
}

impl Group {
    /// Every group, in the order forms show them.
    pub const ALL: [Group; 5] = [
        Group::Basic,
        Group::Media,
        Group::Network,
        Group::Security,
        Group::Advanced,
    ];
    /// The group's heading in a form.
    pub fn label(self) -> &'static str {
        match self {
            Group::Basic => "Basic",
            Group::Media => "Media",
            Group::Network => "NAT and network",
            Group::Security => "Security",
            Group::Advanced => "Advanced",
        }
    }
}

/// An option with everything a form or a validator needs.
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    /// The measurement it was made from.
    pub raw: &'static RawOption,
    /// The type the option belongs to.
    pub object_type: ObjectType,
    /// What values it takes.
    pub kind: Kind,
    /// Where a form shows it.
    pub group: Group,
    /// A PUT adds to the stored list instead of replacing it (endpoint `allow`, identify `match`, aor `contact`).
    pub accumulates: bool,
    /// A password or credential: never shown, never logged.
    pub secret: bool,
    /// Our one-line help.
    pub help: Option<&'static str>,
}

impl OptionSpec {
    /// The option's name.
    pub fn name(&self) -> &'static str {
        self.raw.name
    }
}

fn raw_type(ty: ObjectType) -> Option<&'static RawType> {
    generated::TYPES.iter().find(|t| t.name == ty.as_str())
}

/// Every option of a type, in Asterisk's help order (empty for types without a catalog).
pub fn options(ty: ObjectType) -> impl Iterator<Item = OptionSpec> {
    raw_type(ty)
        .into_iter()
        .flat_map(move |t| t.options.iter().map(move |o| spec(ty, o)))
}

/// One option by name, case-insensitive like Asterisk.
pub fn option(ty: ObjectType, name: &str) -> Option<OptionSpec> {
    raw_type(ty)?
        .options
        .iter()
        .find(|o| o.name.eq_ignore_ascii_case(name))
        .map(|o| spec(ty, o))
}

/// Whether Conjure has a catalog for the type (phoneprov takes any attribute).
pub fn has_catalog(ty: ObjectType) -> bool {
    raw_type(ty).is_some() && ty != ObjectType::Phoneprov
}

fn spec(ty: ObjectType, o: &'static RawOption) -> OptionSpec {
    let secret = crate::secret::is_secret(o.name);
    OptionSpec {
        raw: o,
        object_type: ty,
        kind: kind(ty, o, secret),
        group: group(ty, o.name),
        accumulates: matches!(
            (ty, o.name),
            (ObjectType::Endpoint, "allow")
                | (ObjectType::Identify, "match")
                | (ObjectType::Aor, "contact")
        ),
        secret,
        help: help::help(ty, o.name),
    }
}

fn kind(ty: ObjectType, o: &RawOption, secret: bool) -> Kind {
    use ObjectType as T;
    if secret {
        return Kind::Secret;
    }
    let reference = |target, list| Kind::Reference { target, list };
    match (ty, o.name) {
        (T::Endpoint, "aors") => return reference(T::Aor, true),
        (T::Endpoint | T::Registration | T::OutboundPublish, "outbound_auth")
        | (T::Endpoint, "auth") => return reference(T::Auth, true),
        (T::Endpoint | T::Registration | T::OutboundPublish, "transport") => {
            return reference(T::Transport, false);
        }
        (T::Identify | T::Registration | T::Phoneprov | T::Contact, "endpoint")
        | (T::Global, "default_outbound_endpoint") => {
            return reference(T::Endpoint, false);
        }
        (T::AsteriskPublication, "devicestate_publish" | "mailboxstate_publish") => {
            return reference(T::OutboundPublish, false);
        }
        (T::Identify, "match")
        | (T::Endpoint, "deny" | "permit" | "contact_deny" | "contact_permit") => {
            return Kind::IpList;
        }
        (T::Endpoint, n) if n.starts_with("codec_prefs_") => return Kind::Text,
        (T::Endpoint, "rtp_port_start" | "rtp_port_end") => {
            return Kind::Integer { min: 0, max: 65535 };
        }
        // Its upper bound is timers_sess_expires, checked with the object.
        (T::Endpoint, "timers_min_se") => {
            return Kind::Integer {
                min: 90,
                max: u32::MAX as i64,
            };
        }
        (T::Endpoint, "disallow") => return Kind::Codecs,
        (T::Aor, "contact")
        | (T::Registration, "server_uri" | "client_uri" | "outbound_proxy")
        | (T::OutboundPublish, "server_uri" | "from_uri" | "to_uri" | "outbound_proxy") => {
            return Kind::SipUri;
        }
        _ => {}
    }
    let flag = |f: u8| o.flags & f != 0;
    match o.help_type {
        "Boolean" => Kind::Bool,
        "Unsigned Integer" => {
            let (min, max) = o.range.unwrap_or((0, u32::MAX as i64));
            Kind::Integer { min, max }
        }
        "Integer" => {
            let (min, max) = o.range.unwrap_or((i32::MIN as i64, i32::MAX as i64));
            Kind::Integer { min, max }
        }
        "Double" => Kind::Float,
        "Codec" => Kind::Codecs,
        _ if !o.tokens.is_empty() => {
            if flag(UNCHECKED) {
                Kind::Unchecked
            } else if flag(BOOL_LIKE) {
                Kind::Bool
            } else {
                Kind::Enum {
                    case_sensitive: flag(CASE_SENSITIVE),
                    list: flag(LIST),
                }
            }
        }
        _ => Kind::Text,
    }
}

fn group(ty: ObjectType, name: &str) -> Group {
    if help::BASIC
        .iter()
        .any(|(t, names)| *t == ty && names.contains(&name))
    {
        return Group::Basic;
    }
    let has = |parts: &[&str]| parts.iter().any(|p| name.contains(p));
    if has(&[
        "dtls",
        "encryption",
        "acl",
        "deny",
        "permit",
        "security",
        "stir_shaken",
        "auth",
        "trust_",
        "identify_by",
        "srtp",
        "privacy",
    ]) {
        Group::Security
    } else if has(&[
        "rtp",
        "codec",
        "media",
        "t38",
        "fax",
        "tos_",
        "cos_",
        "ice_",
        "bundle",
        "webrtc",
        "_streams",
        "sdp_",
        "moh",
        "dtmf",
        "allow",
        "g726",
        "inband",
        "asymmetric",
        "max_audio",
        "max_video",
    ]) {
        Group::Media
    } else if has(&[
        "rport",
        "rewrite_contact",
        "nat",
        "outbound_proxy",
        "from_domain",
        "contact_user",
        "via_",
        "transport",
        "local_net",
        "external",
        "direct_media",
        "bind",
        "keep_alive",
        "path",
    ]) {
        Group::Network
    } else {
        Group::Advanced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_writable_type_has_options_and_basic_help() {
        for ty in ObjectType::ALL
            .iter()
            .copied()
            .filter(|t| t.can_put() && *t != ObjectType::Phoneprov)
        {
            let opts: Vec<_> = options(ty).collect();
            assert!(!opts.is_empty(), "{ty}");
            for o in opts.iter().filter(|o| o.group == Group::Basic) {
                assert!(
                    o.help.is_some(),
                    "{ty}.{} is basic but has no help",
                    o.name()
                );
            }
        }
        assert_eq!(options(ObjectType::Endpoint).count(), 145);
    }

    #[test]
    fn kinds_follow_the_measurements() {
        let k = |t, n| option(t, n).unwrap().kind;
        assert_eq!(
            k(ObjectType::Aor, "qualify_frequency"),
            Kind::Integer { min: 0, max: 86400 }
        );
        assert_eq!(
            k(ObjectType::Endpoint, "timers_sess_expires"),
            Kind::Integer {
                min: 90,
                max: u32::MAX as i64
            }
        );
        assert_eq!(
            k(ObjectType::Endpoint, "t38_udptl_ec"),
            Kind::Enum {
                case_sensitive: true,
                list: false
            }
        );
        assert_eq!(
            k(ObjectType::Endpoint, "dtmf_mode"),
            Kind::Enum {
                case_sensitive: false,
                list: false
            }
        );
        assert_eq!(
            k(ObjectType::Endpoint, "identify_by"),
            Kind::Enum {
                case_sensitive: false,
                list: true
            }
        );
        assert_eq!(k(ObjectType::Endpoint, "allow"), Kind::Codecs);
        assert_eq!(
            k(ObjectType::Endpoint, "aors"),
            Kind::Reference {
                target: ObjectType::Aor,
                list: true
            }
        );
        assert_eq!(k(ObjectType::Identify, "match"), Kind::IpList);
        assert_eq!(k(ObjectType::Auth, "md5_cred"), Kind::Secret);
        assert_eq!(k(ObjectType::Endpoint, "dtls_setup"), Kind::Unchecked);
        assert_eq!(k(ObjectType::Aor, "qualify_timeout"), Kind::Float);
        assert!(option(ObjectType::Endpoint, "ALLOW").unwrap().accumulates);
        assert!(option(ObjectType::Endpoint, "nosuchoption").is_none());
    }
}
