//! The sorcery object types Conjure knows, and what Asterisk 22 lets ARI do with each.

use serde::{Deserialize, Serialize};

/// Every PJSIP type lives in this one config class over ARI, whatever module defines it.
pub const CONFIG_CLASS: &str = "res_pjsip";

/// What ARI push configuration can do with objects of a type (measured on Asterisk 22.10.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Writability {
    /// GET, PUT and DELETE work.
    Writable,
    /// Only defined in pjsip.conf: PUT and DELETE answer 403, and a PUT on `system` changes live timers
    /// before it is refused, so Conjure never forwards writes for these.
    ReadOnly,
    /// PUT creates the object but Asterisk cannot render it: PUT and GET answer 500 afterwards.
    /// Conjure refuses to create them and allows reading and deleting.
    Unrenderable,
}

macro_rules! object_types {
    ($( $variant:ident => $name:literal, $label:literal, $w:ident; )*) => {
        /// A sorcery object type under `res_pjsip`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ObjectType { $( #[doc = concat!("`", $name, "`: ", $label, ".")] #[serde(rename = $name)] $variant, )* }

        impl ObjectType {
            /// Every known type, in the order the panel lists them.
            pub const ALL: &'static [ObjectType] = &[ $( ObjectType::$variant, )* ];

            /// The type's name in ARI paths (case-sensitive, as Asterisk matches it).
            pub const fn as_str(self) -> &'static str {
                match self { $( ObjectType::$variant => $name, )* }
            }

            /// A short human label for navigation.
            pub const fn label(self) -> &'static str {
                match self { $( ObjectType::$variant => $label, )* }
            }

            /// What ARI lets Conjure do with this type.
            pub const fn writability(self) -> Writability {
                match self { $( ObjectType::$variant => Writability::$w, )* }
            }

            /// Parses an ARI type name; exact and case-sensitive, like Asterisk (`AUTH` is not `auth`).
            pub fn parse(name: &str) -> Option<ObjectType> {
                match name { $( $name => Some(ObjectType::$variant), )* _ => None }
            }
        }
    };
}

object_types! {
    Endpoint => "endpoint", "Endpoints", Writable;
    Auth => "auth", "Auths", Writable;
    Aor => "aor", "AORs", Writable;
    Identify => "identify", "Identifies", Writable;
    Registration => "registration", "Registrations", Writable;
    DomainAlias => "domain_alias", "Domain aliases", Writable;
    OutboundPublish => "outbound-publish", "Outbound publishes", Writable;
    AsteriskPublication => "asterisk-publication", "Asterisk publications", Writable;
    Phoneprov => "phoneprov", "Phone provisioning", Writable;
    Global => "global", "Global", Writable;
    Contact => "contact", "Contacts", Writable;
    Transport => "transport", "Transports", ReadOnly;
    System => "system", "System", ReadOnly;
    ResourceList => "resource_list", "Resource lists", ReadOnly;
    Acl => "acl", "ACLs", Unrenderable;
    InboundPublication => "inbound-publication", "Inbound publications", Unrenderable;
}

impl ObjectType {
    /// Whether Conjure forwards a PUT for this type.
    pub fn can_put(self) -> bool {
        self.writability() == Writability::Writable
    }

    /// Whether Conjure forwards a DELETE for this type.
    pub fn can_delete(self) -> bool {
        self.writability() != Writability::ReadOnly
    }

    /// Why a write is refused, in words an operator can act on; `None` when writes are allowed.
    pub fn write_refusal(self) -> Option<String> {
        match self.writability() {
            Writability::Writable => None,
            Writability::ReadOnly => Some(format!(
                "{} objects are defined in pjsip.conf and cannot be changed over ARI; edit pjsip.conf and reload instead",
                self.as_str()
            )),
            Writability::Unrenderable => Some(format!(
                "Asterisk 22 creates {} objects over ARI but then cannot read or update them (it answers 500); \
                 define them in pjsip.conf instead",
                self.as_str()
            )),
        }
    }
}

impl std::fmt::Display for ObjectType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for t in ObjectType::ALL {
            assert_eq!(ObjectType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(ObjectType::parse("AUTH"), None);
        assert_eq!(ObjectType::parse("nosuchtype"), None);
    }

    #[test]
    fn system_and_transport_are_never_written() {
        assert!(!ObjectType::System.can_put());
        assert!(!ObjectType::Transport.can_delete());
        assert!(ObjectType::Acl.can_delete() && !ObjectType::Acl.can_put());
        assert!(ObjectType::Auth.write_refusal().is_none());
    }
}
