//! What a phone user's fields must look like, checked before anything reaches Asterisk; the same rules
//! serve the form, the CSV dry run and the import.

use super::{NewPhoneUser, TemplateFields};
use crate::Field;

/// The columns of the form and of an import file, in order (errors point at them by position).
pub const COLUMNS: [&str; 5] = ["extension", "name", "password", "template", "voicemail"];

/// Whether `ext` can be an extension (up to 40 letters, digits, `.`, `_`, `-`, `+`), in words if not.
pub fn extension(ext: &str) -> Result<(), String> {
    let ok = !ext.is_empty()
        && ext.len() <= 40
        && ext
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
        && ext != "."
        && ext != "..";
    if ok {
        Ok(())
    } else if ext.is_empty() {
        Err("The extension is empty.".into())
    } else {
        Err(format!(
            "'{ext}' is not a usable extension: use up to 40 letters, digits, '.', '_', '-' or '+' (e.g. 2041)."
        ))
    }
}

/// Whether `name` can be a phone user's name, in words if not.
pub fn name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("The name is empty; it is shown to the people this user calls.".into());
    }
    if name.chars().count() > 80 {
        return Err("The name is longer than 80 characters.".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '"' | '<' | '>' | '\\') || c.is_control())
    {
        return Err(format!(
            "The name must not contain {c:?} (caller ID cannot carry it)."
        ));
    }
    Ok(())
}

/// Weak SIP passwords get phone systems used for toll fraud within hours of going online.
pub fn password(ext: &str, pw: &str) -> Result<(), String> {
    if pw.is_empty() {
        return Ok(()); // generated
    }
    let n = pw.chars().count();
    if n < 10 {
        return Err(format!(
            "The password has {n} characters; SIP passwords need at least 10. Leave it empty to get a strong one."
        ));
    }
    if n > 128 || pw.chars().any(char::is_control) {
        return Err(
            "The password must be at most 128 characters, without control characters.".into(),
        );
    }
    if pw.contains(ext) {
        return Err("The password must not contain the extension.".into());
    }
    Ok(())
}

/// The voicemail cell (or the wizard's checkbox) as Asterisk's `mailboxes`: a yes-word means a box
/// numbered like the extension, a no-word or nothing means none, anything else must be a box's number
/// (`2041`, `2041@sales`). A clerk's `yes` must never become a mailbox called `yes@default`.
pub fn voicemail(ext: &str, vm: &str) -> Result<String, String> {
    const YES: [&str; 8] = ["yes", "y", "true", "1", "x", "on", "ja", "oui"];
    const NO: [&str; 7] = ["no", "n", "false", "0", "off", "nein", "non"];
    let vm = vm.trim();
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(vm));
    if vm.is_empty() || is(&NO) || vm == "-" {
        return Ok(String::new());
    }
    if is(&YES) || vm == "✓" {
        return Ok(format!("{ext}@default"));
    }
    let (mailbox, context) = vm.split_once('@').unwrap_or((vm, "default"));
    let number =
        !mailbox.is_empty() && mailbox.len() <= 40 && mailbox.bytes().all(|b| b.is_ascii_digit());
    let context_ok = !context.is_empty()
        && context.len() <= 40
        && context
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b));
    if number && context_ok {
        Ok(format!("{mailbox}@{context}"))
    } else {
        Err(format!(
            "'{vm}' is not a voicemail box: write yes (a box numbered like the extension) or no, \
             or the box's number, like 2041 or 2041@sales."
        ))
    }
}

/// Every problem of a new user: (column index, message).
pub fn check(u: &NewPhoneUser, templates: &[String]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    if let Err(m) = extension(&u.extension) {
        out.push((0, m));
    }
    if let Err(m) = name(&u.name) {
        out.push((1, m));
    }
    if let Err(m) = password(&u.extension, u.password.expose()) {
        out.push((2, m));
    }
    if !u.template.is_empty() && !templates.iter().any(|t| t == &u.template) {
        out.push((
            3,
            format!(
                "There is no template '{}'; there are: {}.",
                u.template,
                templates.join(", ")
            ),
        ));
    }
    if let Err(m) = voicemail(&u.extension, &u.voicemail) {
        out.push((4, m));
    }
    out
}

/// The three objects of a user, in the order they are created: auth, aor, endpoint.
pub fn objects(u: &NewPhoneUser, password: &str, t: &TemplateFields) -> [Vec<Field>; 3] {
    let ext = u.extension.as_str();
    let mut auth = t.auth.clone();
    if !auth.iter().any(|f| f.attribute == "auth_type") {
        auth.insert(0, Field::new("auth_type", "userpass"));
    }
    auth.push(Field::new("username", ext));
    auth.push(Field::new("password", password));
    let mut endpoint = t.endpoint.clone();
    endpoint.push(Field::new("auth", ext));
    endpoint.push(Field::new("aors", ext));
    endpoint.push(Field::new(
        "callerid",
        format!("\"{}\" <{ext}>", u.name.trim()),
    ));
    if let Ok(vm) = voicemail(ext, &u.voicemail)
        && !vm.is_empty()
    {
        endpoint.push(Field::new("mailboxes", vm));
    }
    [auth, t.aor.clone(), endpoint]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_name_the_column_and_say_what_to_do() {
        let u = NewPhoneUser {
            extension: "20 41".into(),
            name: "Anna \"the boss\"".into(),
            password: "short".into(),
            template: "nope".into(),
            voicemail: "2041@".into(),
        };
        let issues = check(&u, &["desk-phone".into()]);
        assert_eq!(
            issues.iter().map(|i| i.0).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        assert!(issues[2].1.contains("at least 10"));
        assert!(password("2041", "my2041password").is_err());
        assert_eq!(voicemail("2041", "2041").unwrap(), "2041@default");
        assert_eq!(voicemail("2041", "3000@sales").unwrap(), "3000@sales");
        for yes in ["yes", "YES", "Yes", "true", "1", "x", "X", " y "] {
            assert_eq!(voicemail("2041", yes).unwrap(), "2041@default", "{yes}");
        }
        for no in ["no", "No", "false", "0", "", "  ", "off"] {
            assert_eq!(voicemail("2041", no).unwrap(), "", "{no}");
        }
        for bad in ["maybe", "Anna", "2041@", "@sales", "20 41", "yes@default"] {
            let m = voicemail("2041", bad).unwrap_err();
            assert!(
                m.contains("write yes") && m.contains("2041@sales"),
                "{bad}: {m}"
            );
        }
        let ok = NewPhoneUser {
            extension: "2041".into(),
            name: "Anna Berg".into(),
            ..Default::default()
        };
        assert!(check(&ok, &[]).is_empty());
        let [auth, aor, ep] = objects(&ok, "pw", &TemplateFields::default());
        assert_eq!(auth[0], Field::new("auth_type", "userpass"));
        assert!(aor.is_empty());
        assert!(ep.contains(&Field::new("callerid", "\"Anna Berg\" <2041>")));
    }
}
