//! Secret options: never sent back to a browser, a script or a log line.

use crate::Field;

/// Options whose values are credentials. Asterisk echoes them in plain text; Conjure does not.
/// Option names are case-insensitive in Asterisk (`PASSWORD` sets `password`), so matching is too.
pub const SECRET_ATTRIBUTES: &[&str] = &[
    "password",
    "md5_cred",
    "password_digest",
    "oauth_secret",
    "refresh_token",
];

pub fn is_secret(attribute: &str) -> bool {
    SECRET_ATTRIBUTES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(attribute))
}

/// Splits an object's fields into the ones that may be shown and, for each secret it has, whether it is set.
pub fn redact(fields: Vec<Field>) -> (Vec<Field>, Vec<(String, bool)>) {
    let mut shown = Vec::with_capacity(fields.len());
    let mut secrets = Vec::new();
    for f in fields {
        if is_secret(&f.attribute) {
            secrets.push((f.attribute, !f.value.is_empty()));
        } else {
            shown.push(f);
        }
    }
    (shown, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_removed_and_reported_as_set_or_not() {
        let (shown, secrets) = redact(vec![
            Field::new("username", "alice"),
            Field::new("password", "supersecret"),
            Field::new("md5_cred", ""),
            Field::new("OAUTH_SECRET", "x"),
        ]);
        assert_eq!(shown, vec![Field::new("username", "alice")]);
        assert_eq!(
            secrets,
            vec![
                ("password".into(), true),
                ("md5_cred".into(), false),
                ("OAUTH_SECRET".into(), true)
            ]
        );
    }
}
