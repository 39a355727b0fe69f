//! The typed form's model: the object as loaded, what the person changed, and the plan a save carries out.
//! Pure logic, tested natively; the components only bind signals to it.

use std::collections::BTreeMap;

use model::api::ObjectView;
use model::catalog::{self, Kind, OptionSpec};
use model::{Field, ObjectType};

/// Values of one object, by option name. Lists (codecs, identify `match`, aor `contact`) are kept apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub scalars: BTreeMap<String, String>,
    pub lists: BTreeMap<String, Vec<String>>,
}

/// Options edited as a list of entries rather than one string: those a PUT adds to (endpoint `allow`,
/// identify `match`, aor `contact`).
pub fn is_list(spec: &OptionSpec) -> bool {
    spec.accumulates
}

/// Booleans render as true/false or yes/no; the form always says yes/no.
fn normalise(spec: &OptionSpec, v: &str) -> String {
    match (spec.kind, v) {
        (Kind::Bool, "true" | "Yes") => "yes".into(),
        (Kind::Bool, "false" | "No") => "no".into(),
        _ => v.to_string(),
    }
}

fn codec_list(rendered: &str) -> Vec<String> {
    let inner = rendered
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')');
    inner
        .split(['|', ','])
        .map(str::trim)
        .filter(|c| !c.is_empty() && *c != "nothing")
        .map(str::to_string)
        .collect()
}

/// What a form starts from: an existing object's fields, or defaults plus a few starting values.
pub fn values_of(ty: ObjectType, view: Option<&ObjectView>, start: &[(&str, &str)]) -> Values {
    let mut v = Values::default();
    for spec in catalog::options(ty) {
        if spec.secret {
            continue;
        }
        if is_list(&spec) {
            v.lists.insert(spec.name().into(), Vec::new());
        } else {
            let default = if view.is_some() {
                ""
            } else {
                spec.raw.unset.unwrap_or("")
            };
            v.scalars
                .insert(spec.name().into(), normalise(&spec, default));
        }
    }
    if let Some(view) = view {
        for f in &view.fields {
            let Some(spec) = catalog::option(ty, &f.attribute) else {
                continue;
            };
            if spec.name() == "allow" {
                v.lists.insert("allow".into(), codec_list(&f.value));
            } else if is_list(&spec) {
                if !f.value.is_empty() {
                    v.lists
                        .entry(spec.name().into())
                        .or_default()
                        .push(f.value.clone());
                }
            } else {
                v.scalars
                    .insert(spec.name().into(), normalise(&spec, &f.value));
            }
        }
    } else {
        for (k, val) in start {
            if let Some(spec) = catalog::option(ty, k) {
                if spec.name() == "allow" {
                    v.lists.insert("allow".into(), codec_list(val));
                } else if !spec.secret {
                    v.scalars.insert(spec.name().into(), val.to_string());
                }
            }
        }
    }
    v
}

/// One line of the diff shown before saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub option: String,
    pub before: String,
    pub after: String,
}

/// What a save does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub fields: Vec<Field>,
    /// Entries were removed from an accumulating list: the object must be deleted and created again.
    pub replace: bool,
    pub diff: Vec<DiffLine>,
}

const MASK: &str = "••••••";

/// The fields to send for the changes from `initial` to `current`, plus new secret values.
pub fn plan(
    ty: ObjectType,
    initial: &Values,
    current: &Values,
    secrets: &BTreeMap<String, String>,
    creating: bool,
) -> Plan {
    let mut p = Plan::default();
    for (name, now) in &current.scalars {
        let before = initial.scalars.get(name).cloned().unwrap_or_default();
        if *now != before {
            p.fields.push(Field::new(name.clone(), now.clone()));
            p.diff.push(DiffLine {
                option: name.clone(),
                before,
                after: now.clone(),
            });
        }
    }
    for (name, value) in secrets.iter().filter(|(_, v)| !v.is_empty()) {
        p.fields.push(Field::new(name.clone(), value.clone()));
        p.diff.push(DiffLine {
            option: name.clone(),
            before: if creating { String::new() } else { MASK.into() },
            after: MASK.into(),
        });
    }
    for (name, now) in &current.lists {
        let before = initial.lists.get(name).cloned().unwrap_or_default();
        if *now == before && !(creating && name == "allow") {
            continue;
        }
        if name == "allow" {
            // allow adds to the stored list; disallow=all first makes the list exactly this, in this order.
            p.fields.push(Field::new("disallow", "all"));
            p.fields.push(Field::new("allow", now.join(",")));
        } else {
            if before.iter().any(|b| !now.contains(b)) {
                p.replace = true;
            }
            for entry in now.iter().filter(|e| p.replace || !before.contains(e)) {
                p.fields.push(Field::new(name.clone(), entry.clone()));
            }
        }
        if *now != before {
            p.diff.push(DiffLine {
                option: name.clone(),
                before: before.join(", "),
                after: now.join(", "),
            });
        }
    }
    if p.replace {
        // A re-created object starts from defaults: send every option that differs from them.
        let defaults = values_of(ty, None, &[]);
        for (name, now) in &current.scalars {
            let changed = p.fields.iter().any(|f| f.attribute == *name);
            if !changed && defaults.scalars.get(name) != Some(now) {
                p.fields.push(Field::new(name.clone(), now.clone()));
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::api::SecretState;

    fn view(ty: ObjectType, fields: &[(&str, &str)]) -> ObjectView {
        ObjectView {
            object_type: ty,
            id: "x".into(),
            fields: fields.iter().map(|(a, v)| Field::new(*a, *v)).collect(),
            secrets: vec![SecretState {
                attribute: "password".into(),
                set: true,
            }],
            warnings: vec![],
        }
    }

    #[test]
    fn an_exact_codec_list_is_sent_as_disallow_all_then_allow() {
        let v = view(
            ObjectType::Endpoint,
            &[
                ("allow", "(ulaw|alaw|g722)"),
                ("context", "default"),
                ("direct_media", "true"),
            ],
        );
        let initial = values_of(ObjectType::Endpoint, Some(&v), &[]);
        assert_eq!(initial.lists["allow"], vec!["ulaw", "alaw", "g722"]);
        assert_eq!(initial.scalars["direct_media"], "yes");
        let mut current = initial.clone();
        current
            .lists
            .insert("allow".into(), vec!["g722".into(), "ulaw".into()]);
        let p = plan(
            ObjectType::Endpoint,
            &initial,
            &current,
            &BTreeMap::new(),
            false,
        );
        assert_eq!(
            p.fields,
            vec![
                Field::new("disallow", "all"),
                Field::new("allow", "g722,ulaw")
            ]
        );
        assert!(!p.replace);
        assert_eq!(p.diff[0].before, "ulaw, alaw, g722");
    }

    #[test]
    fn removing_a_match_recreates_the_identify_with_everything_else() {
        let v = view(
            ObjectType::Identify,
            &[
                ("match", "127.0.0.5/255.255.255.255"),
                ("match", "127.0.0.6/255.255.255.255"),
                ("endpoint", "ep1"),
                ("srv_lookups", "true"),
            ],
        );
        let initial = values_of(ObjectType::Identify, Some(&v), &[]);
        let mut current = initial.clone();
        current.lists.get_mut("match").unwrap().remove(0);
        let p = plan(
            ObjectType::Identify,
            &initial,
            &current,
            &BTreeMap::new(),
            false,
        );
        assert!(p.replace);
        assert!(
            p.fields
                .contains(&Field::new("match", "127.0.0.6/255.255.255.255"))
        );
        assert!(p.fields.contains(&Field::new("endpoint", "ep1")));
        assert!(
            !p.fields
                .iter()
                .any(|f| f.value == "127.0.0.5/255.255.255.255")
        );
        // Adding only appends.
        let mut added = initial.clone();
        added
            .lists
            .get_mut("match")
            .unwrap()
            .push("10.0.0.1".into());
        let p = plan(
            ObjectType::Identify,
            &initial,
            &added,
            &BTreeMap::new(),
            false,
        );
        assert_eq!(p.fields, vec![Field::new("match", "10.0.0.1")]);
    }

    #[test]
    fn secrets_are_sent_only_when_typed_and_masked_in_the_diff() {
        let v = view(ObjectType::Auth, &[("username", "alice")]);
        let initial = values_of(ObjectType::Auth, Some(&v), &[]);
        let mut secrets = BTreeMap::new();
        assert!(
            plan(ObjectType::Auth, &initial, &initial, &secrets, false)
                .fields
                .is_empty()
        );
        secrets.insert("password".to_string(), "s3cret".to_string());
        let p = plan(ObjectType::Auth, &initial, &initial, &secrets, false);
        assert_eq!(p.fields, vec![Field::new("password", "s3cret")]);
        assert!(!format!("{:?}", p.diff).contains("s3cret"));
    }
}
