//! Our own one-line help for the options people set most, and which options a form shows first.

use crate::ObjectType;
use ObjectType as T;

/// The options of each type's "Basic" card, in the order a form shows them.
pub const BASIC: &[(ObjectType, &[&str])] = &[
    (
        T::Endpoint,
        &[
            "context",
            "allow",
            "disallow",
            "auth",
            "aors",
            "callerid",
            "transport",
            "direct_media",
            "dtmf_mode",
            "mailboxes",
            "outbound_auth",
            "language",
        ],
    ),
    (
        T::Auth,
        &["auth_type", "username", "password", "realm", "md5_cred"],
    ),
    (
        T::Aor,
        &[
            "max_contacts",
            "remove_existing",
            "qualify_frequency",
            "contact",
            "default_expiration",
            "mailboxes",
        ],
    ),
    (T::Identify, &["endpoint", "match", "match_header"]),
    (
        T::Registration,
        &[
            "server_uri",
            "client_uri",
            "outbound_auth",
            "contact_user",
            "transport",
            "expiration",
            "retry_interval",
        ],
    ),
    (T::DomainAlias, &["domain"]),
    (
        T::OutboundPublish,
        &["server_uri", "event", "outbound_auth", "from_uri", "to_uri"],
    ),
    (
        T::AsteriskPublication,
        &[
            "devicestate_publish",
            "mailboxstate_publish",
            "device_state",
            "mailbox_state",
        ],
    ),
    (T::Phoneprov, &["endpoint", "MAC", "PROFILE"]),
    (
        T::Global,
        &[
            "user_agent",
            "default_outbound_endpoint",
            "keep_alive_interval",
            "max_forwards",
            "endpoint_identifier_order",
        ],
    ),
    (
        T::Contact,
        &["uri", "expiration_time", "qualify_frequency", "endpoint"],
    ),
];

pub fn help(ty: ObjectType, name: &str) -> Option<&'static str> {
    Some(match (ty, name) {
        (T::Endpoint, "context") => "Dialplan context that calls from this phone start in.",
        (T::Endpoint, "allow") => "Codecs the phone may use, in order of preference.",
        (T::Endpoint, "disallow") => {
            "Codecs to remove; `all` clears the list before `allow` adds to it."
        }
        (T::Endpoint, "auth") => "Auth object(s) a phone must match to register or call in.",
        (T::Endpoint, "aors") => "AOR(s) where the phone's registrations are kept.",
        (T::Endpoint, "callerid") => "Caller ID shown on outgoing calls, e.g. \"Alice\" <100>.",
        (T::Endpoint, "transport") => {
            "Transport (from pjsip.conf) for calls to this phone; empty lets Asterisk choose."
        }
        (T::Endpoint, "direct_media") => "Let media flow directly between phones when possible.",
        (T::Endpoint, "dtmf_mode") => "How key presses are sent: rfc4733 suits almost every phone.",
        (T::Endpoint, "mailboxes") => {
            "Voicemail boxes whose message-waiting light this phone shows."
        }
        (T::Endpoint, "outbound_auth") => {
            "Auth object used when Asterisk must authenticate to the far end."
        }
        (T::Endpoint, "language") => "Language of prompts played to this phone, e.g. en or de.",
        (T::Auth, "auth_type") => {
            "userpass (a password) or md5 (a precomputed digest); digest for newer algorithms."
        }
        (T::Auth, "username") => "User name the phone authenticates with.",
        (T::Auth, "password") => {
            "Password the phone authenticates with. Never shown again once saved."
        }
        (T::Auth, "realm") => "Digest realm; leave empty to use Asterisk's default.",
        (T::Auth, "md5_cred") => {
            "MD5 of username:realm:password (32 hex characters), instead of a password."
        }
        (T::Aor, "max_contacts") => "How many devices may register at once; 1 for a desk phone.",
        (T::Aor, "remove_existing") => {
            "When full, replace the oldest registration instead of refusing the new one."
        }
        (T::Aor, "qualify_frequency") => {
            "Seconds between reachability checks (0 turns them off, at most 86400)."
        }
        (T::Aor, "contact") => {
            "Fixed SIP URI(s) of a device that does not register, e.g. sip:100@192.0.2.7."
        }
        (T::Aor, "default_expiration") => {
            "Registration lifetime in seconds when the phone does not ask for one."
        }
        (T::Aor, "mailboxes") => "Voicemail boxes to notify devices registered here about.",
        (T::Identify, "endpoint") => "Endpoint that requests matching this identify belong to.",
        (T::Identify, "match") => "IP addresses or networks whose requests belong to the endpoint.",
        (T::Identify, "match_header") => {
            "A SIP header, as `Name: value`, that marks requests of the endpoint."
        }
        (T::Registration, "server_uri") => {
            "SIP URI of the provider's registrar, e.g. sip:sip.example.com."
        }
        (T::Registration, "client_uri") => {
            "Your account as a SIP URI, e.g. sip:1234@sip.example.com."
        }
        (T::Registration, "outbound_auth") => {
            "Auth object with the account's credentials at the provider."
        }
        (T::Registration, "contact_user") => {
            "User part of the Contact Asterisk registers, i.e. where calls arrive."
        }
        (T::Registration, "transport") => "Transport (from pjsip.conf) to register over.",
        (T::Registration, "expiration") => {
            "Seconds a registration lasts before it is renewed (at least 1)."
        }
        (T::Registration, "retry_interval") => {
            "Seconds to wait before retrying a failed registration."
        }
        (T::DomainAlias, "domain") => "Domain that this alias stands for.",
        (T::OutboundPublish, "server_uri") => "SIP URI to send PUBLISH requests to.",
        (T::OutboundPublish, "event") => "Event package to publish, e.g. asterisk-devicestate.",
        (T::OutboundPublish, "outbound_auth") => {
            "Auth object used when the server asks for credentials."
        }
        (T::OutboundPublish, "from_uri") => "SIP URI in the From header.",
        (T::OutboundPublish, "to_uri") => "SIP URI in the To header.",
        (T::AsteriskPublication, "devicestate_publish") => {
            "Outbound publish used to share device state."
        }
        (T::AsteriskPublication, "mailboxstate_publish") => {
            "Outbound publish used to share mailbox state."
        }
        (T::AsteriskPublication, "device_state") => "Accept device state from the other Asterisk.",
        (T::AsteriskPublication, "mailbox_state") => {
            "Accept mailbox state from the other Asterisk."
        }
        (T::Phoneprov, "endpoint") => "Endpoint the provisioned phone uses.",
        (T::Phoneprov, "MAC") => "MAC address of the phone, 12 hex digits.",
        (T::Phoneprov, "PROFILE") => "Provisioning profile from phoneprov.conf.",
        (T::Global, "user_agent") => "User-Agent header Asterisk sends.",
        (T::Global, "default_outbound_endpoint") => {
            "Endpoint used for outgoing requests that name none."
        }
        (T::Global, "keep_alive_interval") => {
            "Seconds between keep-alives on connection-oriented transports (0 = off)."
        }
        (T::Global, "max_forwards") => "Max-Forwards value of outgoing requests.",
        (T::Global, "endpoint_identifier_order") => {
            "Order in which Asterisk tries to find the endpoint of a request."
        }
        (T::Contact, "uri") => "SIP URI of the contact.",
        (T::Contact, "expiration_time") => {
            "When the contact expires, in seconds since 1970 (0 = never)."
        }
        (T::Contact, "qualify_frequency") => {
            "Seconds between reachability checks (0 turns them off)."
        }
        (T::Contact, "endpoint") => "Endpoint the contact belongs to.",
        _ => return None,
    })
}
