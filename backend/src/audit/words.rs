//! An audit entry in words, for people who do not read `put endpoint 2041 200 saved`:
//! "anna changed endpoint 2041: context internal → sales". Made when the log is read, so entries written
//! before this existed read the same way.

use model::api::{AuditChange, AuditEntry};

/// The sentence the audit page shows for `e`.
pub fn summary(e: &AuditEntry) -> String {
    let what = object(&e.object_type, &e.id);
    let refused = e.status >= 300 || e.status == 0;
    let mut s = if refused {
        format!("{} tried to {} {what}", e.actor, verb(&e.action).0)
    } else {
        format!("{} {} {what}", e.actor, verb(&e.action).1)
    };
    if !e.changes.is_empty() {
        s.push_str(": ");
        s.push_str(&e.changes.iter().map(change).collect::<Vec<_>>().join("; "));
    }
    if refused {
        let answer = if e.status == 0 {
            "no answer".to_string()
        } else {
            format!("{} {}", e.status, e.message)
        };
        s.push_str(&format!(" (Asterisk answered {})", answer.trim()));
    } else if e.changes.is_empty() && !e.message.is_empty() && e.message != "saved" {
        s.push_str(&format!(" ({})", e.message));
    }
    s
}

/// The action as an infinitive ("tried to …") and in the past.
fn verb(action: &str) -> (&str, &str) {
    match action {
        "put" => ("change", "changed"),
        "replace" => ("replace the lists of", "replaced the lists of"),
        "delete" => ("delete", "deleted"),
        "adopt" => ("take over", "took over"),
        "restore" => ("put back", "put back"),
        "reapply" => ("put back", "put back"),
        "forget" => ("stop managing", "stopped managing"),
        "target" => ("move", "moved"),
        "undo" => ("undo a change of", "undid a change of"),
        "reconcile" => ("check", "checked"),
        "add" => ("add", "added"),
        "change" => ("change", "changed"),
        "reset-password" => ("give a new password to", "gave a new password to"),
        "create" => ("create", "created"),
        "revoke" => ("revoke", "revoked"),
        "save" => ("save", "saved"),
        "export" => ("export", "exported"),
        "download" => ("download", "downloaded"),
        "retry" => ("retry", "retried"),
        "discard" => ("discard", "discarded"),
        other => (other, other),
    }
}

/// The thing acted on: a PJSIP object by type and id, or one of Conjure's own.
fn object(ty: &str, id: &str) -> String {
    let kind = match ty {
        "user" => "panel user",
        "token" => "API token",
        "phone-users" => "phone users",
        "phone-user" => "phone user",
        "asterisk" => "Asterisk",
        "pending" => "waiting change",
        other => other,
    };
    if id.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} {id}")
    }
}

fn change(c: &AuditChange) -> String {
    match (c.before.is_empty(), c.after.is_empty()) {
        (true, _) => format!("{} {}", c.attribute, shown(&c.after)),
        (false, true) => format!("{} {} → (none)", c.attribute, c.before),
        (false, false) => format!("{} {} → {}", c.attribute, c.before, c.after),
    }
}

fn shown(v: &str) -> &str {
    if v.is_empty() { "(none)" } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, status: u16, changes: Vec<AuditChange>) -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: "2026-12-02T10:00:00.000Z".into(),
            actor: "anna".into(),
            address: String::new(),
            action: action.into(),
            object_type: "endpoint".into(),
            id: "2041".into(),
            changes,
            server: String::new(),
            status,
            message: if status == 200 {
                "saved".into()
            } else {
                "Unable to create or update".into()
            },
            summary: String::new(),
        }
    }

    fn ch(a: &str, b: &str, c: &str) -> AuditChange {
        AuditChange {
            attribute: a.into(),
            before: b.into(),
            after: c.into(),
        }
    }

    #[test]
    fn a_change_names_who_what_and_each_option_before_and_after() {
        let e = entry(
            "put",
            200,
            vec![ch("context", "internal", "sales"), ch("allow", "", "ulaw")],
        );
        assert_eq!(
            summary(&e),
            "anna changed endpoint 2041: context internal → sales; allow ulaw"
        );
    }

    #[test]
    fn a_refusal_says_it_was_only_tried_and_what_asterisk_answered() {
        let e = entry("put", 400, vec![ch("context", "internal", "sales")]);
        assert_eq!(
            summary(&e),
            "anna tried to change endpoint 2041: context internal → sales (Asterisk answered 400 Unable to create or update)"
        );
    }

    #[test]
    fn conjures_own_events_keep_their_message() {
        let mut e = entry("reset-password", 200, Vec::new());
        e.object_type = "user".into();
        e.id = "bob".into();
        e.message = "by an admin".into();
        assert_eq!(
            summary(&e),
            "anna gave a new password to panel user bob (by an admin)"
        );
        let e = entry("delete", 200, vec![ch("max_contacts", "1", "")]);
        assert_eq!(
            summary(&e),
            "anna deleted endpoint 2041: max_contacts 1 → (none)"
        );
    }
}
