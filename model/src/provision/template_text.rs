//! A template's options as its editor shows them: one `option = value` per line. Blank lines and lines
//! starting with `;` (pjsip.conf's comments) are skipped; any other line without `=` is an error naming
//! its line, instead of being dropped without a word.

use crate::Field;

/// The options as the template editor shows them, one `name = value` a line.
pub fn to_text(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| format!("{} = {}\n", f.attribute, f.value))
        .collect()
}

/// The options of `text`, or the first line that is not `option = value` (1-based) and why.
pub fn from_text(text: &str) -> Result<Vec<Field>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        match line.split_once('=') {
            Some((a, v)) if !a.trim().is_empty() => out.push(Field::new(a.trim(), v.trim())),
            _ => {
                return Err(format!(
                    "Line {}: '{line}' is not an option: write it as option = value, e.g. context = internal.",
                    i + 1
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_fields_round_trip_and_bad_lines_are_named() {
        let fields = vec![
            Field::new("context", "internal"),
            Field::new("allow", "ulaw,alaw"),
        ];
        assert_eq!(from_text(&to_text(&fields)).unwrap(), fields);
        assert_eq!(
            from_text("\n; a comment\ncontext=internal\n\n").unwrap(),
            vec![Field::new("context", "internal")]
        );
        let e = from_text("context = internal\ndirect_media no\n").unwrap_err();
        assert!(e.starts_with("Line 2: 'direct_media no'"), "{e}");
        assert!(from_text("= value").unwrap_err().starts_with("Line 1"));
    }
}
