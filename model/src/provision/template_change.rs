//! What changing a phone user's template does to its objects, in lines to show before it is applied.
//! The change writes the new template's endpoint and aor values over the user's (a PUT merges, so what
//! only the old template set stays as it is); the auth, with the password, is not touched.

use super::TemplateFields;
use crate::Field;

/// One line per value the change sets differently, e.g. `endpoint context: internal → sales`.
pub fn template_change(old: &TemplateFields, new: &TemplateFields) -> Vec<String> {
    let mut lines = Vec::new();
    for (ty, before, after) in [
        ("endpoint", &old.endpoint, &new.endpoint),
        ("aor", &old.aor, &new.aor),
    ] {
        for f in after {
            match value(before, &f.attribute) {
                Some(v) if v == f.value => {}
                Some(v) => lines.push(format!("{ty} {}: {v} → {}", f.attribute, f.value)),
                None => lines.push(format!("{ty} {}: set to {}", f.attribute, f.value)),
            }
        }
    }
    lines
}

/// The last value a template gives an option (a list option given twice keeps both; the last tells).
fn value<'a>(fields: &'a [Field], attribute: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|f| f.attribute == attribute)
        .map(|f| f.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(endpoint: &[(&str, &str)], aor: &[(&str, &str)]) -> TemplateFields {
        let f = |l: &[(&str, &str)]| l.iter().map(|(a, v)| Field::new(*a, *v)).collect();
        TemplateFields {
            auth: vec![Field::new("auth_type", "userpass")],
            aor: f(aor),
            endpoint: f(endpoint),
        }
    }

    #[test]
    fn lists_what_the_new_template_sets_differently() {
        let old = fields(
            &[
                ("context", "internal"),
                ("allow", "ulaw"),
                ("dtmf_mode", "rfc4733"),
            ],
            &[("max_contacts", "1")],
        );
        let new = fields(
            &[
                ("context", "sales"),
                ("allow", "ulaw"),
                ("direct_media", "no"),
            ],
            &[("max_contacts", "2")],
        );
        assert_eq!(
            template_change(&old, &new),
            [
                "endpoint context: internal → sales",
                "endpoint direct_media: set to no",
                "aor max_contacts: 1 → 2",
            ]
        );
        assert!(template_change(&new, &new).is_empty());
    }
}
