//! The object editor's rows and what a save sends. Pure logic, tested natively.
//!
//! A PUT merges into the stored object, so a save sends only what changed: edited values, new rows, and
//! removed options as empty values. Secrets are write-only: an empty secret input means "keep it".

use model::api::ObjectView;
use model::{Field, body::check_field};

/// Where a row came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Added in the editor.
    New,
    /// An option of the object as Asterisk has it.
    Existing(Field),
    /// A secret option; the bool says whether it is set. Its value is never known to the browser.
    Secret(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowState {
    pub attribute: String,
    pub value: String,
    pub origin: Origin,
    pub removed: bool,
}

impl RowState {
    pub fn new_row() -> Self {
        RowState {
            attribute: String::new(),
            value: String::new(),
            origin: Origin::New,
            removed: false,
        }
    }
}

/// The editor's rows for an object: its secrets first (they matter most), then its options in Asterisk's order.
pub fn rows_of(view: &ObjectView) -> Vec<RowState> {
    let secrets = view.secrets.iter().map(|s| RowState {
        attribute: s.attribute.clone(),
        value: String::new(),
        origin: Origin::Secret(s.set),
        removed: false,
    });
    let fields = view.fields.iter().map(|f| RowState {
        attribute: f.attribute.clone(),
        value: f.value.clone(),
        origin: Origin::Existing(f.clone()),
        removed: false,
    });
    secrets.chain(fields).collect()
}

/// What a save sends, or the rows that are wrong with a message each (`row index, message`).
pub fn changes(rows: &[RowState]) -> Result<Vec<Field>, Vec<(usize, String)>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let attr = r.attribute.trim();
        match (&r.origin, r.removed) {
            (Origin::New, true) => continue,
            (Origin::New, false) if attr.is_empty() && r.value.is_empty() => continue,
            (Origin::New, false) => {
                if let Err(e) = check_field(i, attr, &r.value) {
                    errors.push((i, plain(e.to_string(), i)));
                    continue;
                }
                out.push(Field::new(attr, r.value.clone()));
            }
            (Origin::Existing(f), true) => out.push(Field::new(f.attribute.clone(), "")),
            (Origin::Existing(f), false) if f.value != r.value => {
                if let Err(e) = check_field(i, &f.attribute, &r.value) {
                    errors.push((i, plain(e.to_string(), i)));
                    continue;
                }
                out.push(Field::new(f.attribute.clone(), r.value.clone()));
            }
            (Origin::Existing(_), false) => {}
            (Origin::Secret(_), true) => out.push(Field::new(attr, "")),
            (Origin::Secret(_), false) if !r.value.is_empty() => {
                out.push(Field::new(attr, r.value.clone()))
            }
            (Origin::Secret(_), false) => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// `fields[3].attribute is empty` reads as `the option name is empty` next to its row.
fn plain(msg: String, i: usize) -> String {
    msg.replace(&format!("fields[{i}].attribute"), "the option name")
        .replace(&format!("fields[{i}].value"), "the value")
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ObjectType;
    use model::api::SecretState;

    fn alice() -> ObjectView {
        ObjectView {
            object_type: ObjectType::Auth,
            id: "alice".into(),
            fields: vec![Field::new("username", "alice"), Field::new("realm", "r1")],
            secrets: vec![SecretState {
                attribute: "password".into(),
                set: true,
            }],
            warnings: vec![],
        }
    }

    #[test]
    fn unchanged_rows_send_nothing_and_secrets_are_kept() {
        let rows = rows_of(&alice());
        assert_eq!(rows[0].origin, Origin::Secret(true));
        assert_eq!(changes(&rows).unwrap(), vec![]);
    }

    #[test]
    fn edits_additions_and_removals() {
        let mut rows = rows_of(&alice());
        rows[0].value = "newpass".into();
        rows[2].removed = true;
        rows.push(RowState {
            attribute: "nonce_lifetime".into(),
            value: "60".into(),
            ..RowState::new_row()
        });
        rows.push(RowState::new_row());
        assert_eq!(
            changes(&rows).unwrap(),
            vec![
                Field::new("password", "newpass"),
                Field::new("realm", ""),
                Field::new("nonce_lifetime", "60")
            ]
        );
    }

    #[test]
    fn a_value_without_an_option_name_is_reported_on_its_row() {
        let mut rows = rows_of(&alice());
        rows.push(RowState {
            value: "x".into(),
            ..RowState::new_row()
        });
        assert_eq!(
            changes(&rows).unwrap_err(),
            vec![(3, "the option name is empty".to_string())]
        );
    }
}
