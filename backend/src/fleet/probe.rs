//! What a server lets Conjure do, found by trying: its credentials (`/ari/asterisk/info`), then per type
//! a throwaway object created and deleted at once. Asterisk's sorcery.conf decides per type whether a
//! write lands in a backend; nothing but a write tells.

use model::fleet::{Probe, TypeWritability};
use model::{Field, ObjectId, ObjectType, PutBody};

use super::error::FleetError;
use crate::ari::{AriClient, Reason};

/// The types tried, each with a body Asterisk accepts for a new object. `global` is left out (a
/// global object changes process-wide defaults even when refused) and so is `phoneprov` (it needs
/// res_phoneprov's own settings to be valid).
pub(crate) fn probe_body(ty: ObjectType, id: &str) -> Option<Vec<Field>> {
    let f = |a: &str, v: &str| Field::new(a, v);
    Some(match ty {
        ObjectType::Endpoint => vec![f("context", "default"), f("allow", "ulaw")],
        ObjectType::Auth => vec![f("username", id), f("password", "probe-not-used")],
        ObjectType::Aor => vec![f("max_contacts", "1")],
        ObjectType::Identify => vec![f("endpoint", id), f("match", "192.0.2.1")],
        ObjectType::Registration => vec![
            f("server_uri", "sip:192.0.2.1"),
            f("client_uri", "sip:probe@192.0.2.1"),
        ],
        ObjectType::DomainAlias => vec![f("domain", "probe.invalid")],
        ObjectType::OutboundPublish => vec![
            f("server_uri", "sip:192.0.2.1"),
            f("event", "asterisk-devicestate"),
        ],
        ObjectType::AsteriskPublication => vec![f("devicestate_publish", "no")],
        ObjectType::Contact => vec![f("uri", "sip:probe@192.0.2.1")],
        _ => return None,
    })
}

/// The start of a foreign answer, as one line a person can read: at most 120 characters, control
/// characters (newlines among them) escaped, so an answer can neither fill an error nor forge log lines.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(120)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if text.chars().nth(120).is_some() {
        out.push('…');
    }
    out
}

/// Checks the credentials and tries each type. Refuses a server whose credentials fail, whose user is
/// read-only, or where no type can be written.
pub async fn run(ari: &AriClient) -> Result<Probe, FleetError> {
    let up = ari.info().await.map_err(FleetError::Unreachable)?;
    if up.status != 200 {
        return Err(match ari.refusal(&up).reason {
            Reason::Credentials => FleetError::Credentials(ari.user().to_string()),
            _ => FleetError::NotAsterisk(format!("{} {}", up.status, excerpt(&up.body))),
        });
    }
    let info: serde_json::Value = serde_json::from_slice(&up.body)
        .map_err(|e| FleetError::NotAsterisk(format!("its answer is not JSON: {e}")))?;
    let version = info["system"]["version"]
        .as_str()
        .unwrap_or("unknown")
        .to_string();
    let mut suffix = [0u8; 4];
    getrandom::fill(&mut suffix).expect("the system's random source");
    let id = format!(
        "conjure-probe-{}",
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let oid = ObjectId::new(id.clone()).expect("a plain id");
    let mut types = Vec::new();
    for ty in ObjectType::ALL.iter().copied() {
        let Some(fields) = probe_body(ty, &id) else {
            continue;
        };
        let body = PutBody {
            fields: Some(fields),
        };
        let up = ari
            .put_object(ty, &oid, &body)
            .await
            .map_err(FleetError::Unreachable)?;
        let (writable, message) = if up.status == 200 {
            let gone = ari.delete_object(ty, &oid).await;
            match gone {
                Ok(d) if matches!(d.status, 200 | 204) => (true, String::new()),
                _ => (
                    true,
                    format!(
                        "the test object {ty}/{id} could not be deleted again: delete it by hand"
                    ),
                ),
            }
        } else {
            let refusal = ari.refusal(&up);
            if refusal.reason == Reason::ReadOnlyUser {
                return Err(FleetError::ReadOnlyUser(ari.user().to_string()));
            }
            (false, refusal.to_string())
        };
        types.push(TypeWritability {
            object_type: ty.as_str().to_string(),
            writable,
            message,
        });
    }
    if !types.iter().any(|t| t.writable) {
        return Err(FleetError::NothingWritable(Probe { version, types }));
    }
    Ok(Probe { version, types })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_foreign_answer_is_cut_to_one_escaped_line() {
        let forged = format!("<html>\nERROR forged line\r\n{}", "x".repeat(1 << 20));
        let shown = super::excerpt(forged.as_bytes());
        assert!(shown.chars().count() <= 130, "{}", shown.len());
        assert!(!shown.contains('\n') && !shown.contains('\r'), "{shown}");
        assert!(shown.starts_with("<html>\\nERROR forged line"), "{shown}");
    }

    use model::ObjectType;
    use model::validate::{check_fields, check_object};

    #[test]
    fn every_probe_body_is_one_the_catalog_takes_for_a_new_object() {
        let mut tried = 0;
        for ty in ObjectType::ALL.iter().copied() {
            let Some(fields) = super::probe_body(ty, "conjure-probe-1a2b") else {
                continue;
            };
            tried += 1;
            assert!(ty.can_put(), "{ty}");
            let mut found = check_fields(ty, &fields, true);
            found.extend(check_object(ty, &fields, true));
            assert!(!found.iter().any(|f| f.is_error()), "{ty}: {found:?}");
        }
        assert_eq!(tried, 9);
    }
}
