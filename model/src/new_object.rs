//! What the form for a new object starts with: the options an object of that type almost always needs,
//! filled in from its id, so that "create" followed by "save" makes an object that works.

use crate::{Field, ObjectType};

/// Starting values for a new object of `ty` named `id`. The phone-user wizard makes the same three
/// objects with the same names (an endpoint's auth and aor share its id).
pub fn starting_values(ty: ObjectType, id: &str) -> Vec<Field> {
    let f = |a: &str, v: &str| Field::new(a, v);
    match ty {
        ObjectType::Auth => vec![f("username", id)],
        ObjectType::Endpoint => vec![
            f("context", "default"),
            f("allow", "ulaw"),
            f("auth", id),
            f("aors", id),
        ],
        ObjectType::Aor => vec![f("max_contacts", "1")],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::check_fields;

    #[test]
    fn every_starting_value_is_one_the_catalog_accepts() {
        for ty in ObjectType::ALL.iter().copied() {
            let start = starting_values(ty, "2041");
            let errors: Vec<_> = check_fields(ty, &start, false)
                .into_iter()
                .filter(|f| f.is_error())
                .collect();
            assert!(errors.is_empty(), "{ty}: {errors:?}");
        }
    }

    #[test]
    fn an_endpoint_names_the_auth_and_aor_of_its_own_id() {
        let e = starting_values(ObjectType::Endpoint, "2041");
        for (a, v) in [("auth", "2041"), ("aors", "2041")] {
            assert!(e.iter().any(|f| f.attribute == a && f.value == v), "{a}");
        }
        assert_eq!(
            starting_values(ObjectType::Auth, "2041"),
            vec![Field::new("username", "2041")]
        );
    }
}
