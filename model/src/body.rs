//! The body of a PUT: `{"fields":[{"attribute":…,"value":…}, …]}`, checked before Asterisk sees it.
//!
//! Asterisk 22 dereferences `attribute` and `value` without checking them: an entry without either, with a
//! non-string value, or an entry that is not an object kills the whole process (REFERENCE.md §4.2). So a body
//! is parsed into [`Field`]s here and only the re-serialised, checked list is ever forwarded.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ASTERISK_MAX_BODY;

/// One option of an object. Kept as an ordered list, never a map: GET repeats `match` and `contact`,
/// and the order of `disallow`/`allow` inside one PUT changes the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// The option's name (`max_contacts`), as Asterisk spells it.
    pub attribute: String,
    /// Its value as text, as Asterisk renders it.
    pub value: String,
}

impl Field {
    /// The field `attribute = value`.
    pub fn new(attribute: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            attribute: attribute.into(),
            value: value.into(),
        }
    }
}

/// A checked PUT body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutBody {
    /// `None` when the request had no body or no `fields` key: forwarded without a body, so Asterisk
    /// answers as it would (create with defaults, or "Fields must be provided" for an existing object).
    pub fields: Option<Vec<Field>>,
}

impl PutBody {
    /// The JSON forwarded to Asterisk, or `None` for "no body".
    pub fn to_upstream_json(&self) -> Option<String> {
        #[derive(Serialize)]
        struct Wire<'a> {
            fields: &'a [Field],
        }
        self.fields
            .as_ref()
            .map(|f| serde_json::to_string(&Wire { fields: f }).expect("strings always serialise"))
    }

    /// The rules every body meets before it is forwarded, however it was made: each field's (see
    /// [`check_field`]) and Asterisk's size limit on the serialised body. The doors' parser ends with it;
    /// Conjure's own writers (templates, phone users) call it too.
    pub fn check(&self) -> Result<(), BodyError> {
        for (i, f) in self.fields.iter().flatten().enumerate() {
            check_field(i, &f.attribute, &f.value)?;
        }
        // Re-serialisation can grow a body (escapes), and the re-serialised one is what Asterisk measures.
        let size = self.to_upstream_json().map_or(0, |s| s.len());
        if size > ASTERISK_MAX_BODY {
            return Err(BodyError::TooLarge(size));
        }
        Ok(())
    }
}

/// Why a body was refused. Every message names the offending part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body is {0} bytes; Asterisk accepts at most {ASTERISK_MAX_BODY}")]
    /// Larger than Asterisk reads (the size in bytes).
    TooLarge(usize),
    #[error("the body must be sent as application/json, not '{0}'")]
    /// A content type Asterisk does not read as JSON.
    ContentType(String),
    #[error("the body is not valid JSON: {0}")]
    /// Not JSON at all (what the parser said).
    NotJson(String),
    #[error(
        "the body must be a JSON object like {{\"fields\": [{{\"attribute\": \"username\", \"value\": \"alice\"}}]}}"
    )]
    /// JSON, but not an object.
    NotObject,
    #[error("\"fields\" must be a list of {{\"attribute\", \"value\"}} objects")]
    /// `fields` is there and is not a list.
    FieldsNotList,
    #[error("fields[{0}] must be an object with \"attribute\" and \"value\"")]
    /// An entry of `fields` (at this position) is not an object.
    EntryNotObject(usize),
    #[error("fields[{0}].{1} is missing")]
    /// An entry (at this position) has no `attribute` or no `value`.
    Missing(usize, &'static str),
    #[error("fields[{0}].{1} must be a string")]
    /// An entry's `attribute` or `value` (at this position) is not a string.
    NotString(usize, &'static str),
    #[error("fields[{0}].attribute is empty")]
    /// An entry (at this position) names no option.
    EmptyAttribute(usize),
    #[error("fields[{0}].attribute '{1}' contains spaces or control characters")]
    /// An option name Asterisk cannot have (at this position).
    BadAttribute(usize, String),
    #[error("fields[{0}].value contains a control character that Asterisk would cut the value at")]
    /// A value (at this position) with a NUL byte, which would cut it short in Asterisk.
    NulInValue(usize),
}

impl BodyError {
    /// The `fields[i]` entry the error is about, if any.
    pub fn index(&self) -> Option<usize> {
        use BodyError::*;
        match self {
            EntryNotObject(i)
            | Missing(i, _)
            | NotString(i, _)
            | EmptyAttribute(i)
            | BadAttribute(i, _)
            | NulInValue(i) => Some(*i),
            _ => None,
        }
    }
}

/// Whether a Content-Type header names JSON (`application/json`, with or without parameters).
pub fn is_json_content_type(ct: &str) -> bool {
    ct.split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Checks a raw PUT body. `content_type` is the request's header, if it had one.
pub fn parse_put_body(content_type: Option<&str>, bytes: &[u8]) -> Result<PutBody, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(PutBody { fields: None });
    }
    if bytes.len() > ASTERISK_MAX_BODY {
        return Err(BodyError::TooLarge(bytes.len()));
    }
    match content_type {
        Some(ct) if is_json_content_type(ct) => {}
        other => return Err(BodyError::ContentType(other.unwrap_or("none").to_string())),
    }
    let json: Value =
        serde_json::from_slice(bytes).map_err(|e| BodyError::NotJson(e.to_string()))?;
    let Value::Object(top) = json else {
        return Err(BodyError::NotObject);
    };
    let Some(fields) = top.get("fields") else {
        return Ok(PutBody { fields: None });
    };
    let Value::Array(entries) = fields else {
        return Err(BodyError::FieldsNotList);
    };
    let fields = entries
        .iter()
        .enumerate()
        .map(|(i, e)| check_entry(i, e))
        .collect::<Result<Vec<_>, _>>()?;
    let body = PutBody {
        fields: Some(fields),
    };
    body.check()?;
    Ok(body)
}

fn check_entry(i: usize, entry: &Value) -> Result<Field, BodyError> {
    let Value::Object(obj) = entry else {
        return Err(BodyError::EntryNotObject(i));
    };
    let get = |key: &'static str| match obj.get(key) {
        None => Err(BodyError::Missing(i, key)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(BodyError::NotString(i, key)),
    };
    let attribute = get("attribute")?;
    let value = get("value")?;
    Ok(Field { attribute, value })
}

/// The per-field rules, shared with forms that build fields directly.
pub fn check_field(i: usize, attribute: &str, value: &str) -> Result<(), BodyError> {
    if attribute.is_empty() {
        return Err(BodyError::EmptyAttribute(i));
    }
    if attribute
        .chars()
        .any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(BodyError::BadAttribute(
            i,
            attribute.escape_default().to_string(),
        ));
    }
    if value.contains('\0') {
        return Err(BodyError::NulInValue(i));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: Option<&str> = Some("application/json");

    fn err(body: &str) -> String {
        parse_put_body(JSON, body.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn every_crash_body_is_refused_with_its_place_named() {
        // The bodies that crashed Asterisk 22.10.1 in the reference transcript (crash/*).
        assert_eq!(
            err(r#"{"fields":[{"attribute":"password"}]}"#),
            "fields[0].value is missing"
        );
        assert_eq!(
            err(r#"{"fields":[{"value":"x"}]}"#),
            "fields[0].attribute is missing"
        );
        assert_eq!(
            err(
                r#"{"fields":[{"attribute":"a","value":"1"},{"attribute":"max_contacts","value":5}]}"#
            ),
            "fields[1].value must be a string"
        );
        assert_eq!(
            err(r#"{"fields":[{"attribute":"password","value":null}]}"#),
            "fields[0].value must be a string"
        );
        assert_eq!(
            err(r#"{"fields":[{"attribute":"password","value":true}]}"#),
            "fields[0].value must be a string"
        );
        assert_eq!(
            err(r#"{"fields":["password=x"]}"#),
            "fields[0] must be an object with \"attribute\" and \"value\""
        );
        assert_eq!(
            err(r#"{"fields":[null]}"#),
            "fields[0] must be an object with \"attribute\" and \"value\""
        );
        assert_eq!(
            err(r#"{"fields":[{"attribute":7,"value":"x"}]}"#),
            "fields[0].attribute must be a string"
        );
    }

    #[test]
    fn shapes_and_sizes() {
        assert!(err("not json at all").starts_with("the body is not valid JSON"));
        assert!(err(r#""hello""#).contains("JSON object"));
        assert!(err(r#"[{"attribute":"a","value":"b"}]"#).contains("JSON object"));
        assert!(err(r#"{"fields":{"attribute":"a","value":"b"}}"#).contains("list"));
        assert!(err(r#"{"fields":[{"attribute":"","value":"b"}]}"#).contains("empty"));
        assert!(
            err(r#"{"fields":[{"attribute":"a","value":"b\u0000c"}]}"#)
                .contains("control character")
        );
        let big = format!(
            r#"{{"fields":[{{"attribute":"password","value":"{}"}}]}}"#,
            "x".repeat(70_000)
        );
        assert!(matches!(
            parse_put_body(JSON, big.as_bytes()),
            Err(BodyError::TooLarge(_))
        ));
        let ct = parse_put_body(Some("text/plain"), br#"{"fields":[]}"#).unwrap_err();
        assert_eq!(ct, BodyError::ContentType("text/plain".into()));
    }

    #[test]
    fn accepts_what_asterisk_accepts() {
        let b = parse_put_body(Some("application/json; charset=utf-8"),
            r#"{"fields":[{"attribute":"PASSWORD","value":"  pässwörd-日本  ","bogus":1}],"other":true}"#.as_bytes()).unwrap();
        assert_eq!(
            b.fields.unwrap(),
            vec![Field::new("PASSWORD", "  pässwörd-日本  ")]
        );
        assert_eq!(parse_put_body(None, b"").unwrap().fields, None);
        assert_eq!(parse_put_body(JSON, b"{}").unwrap().fields, None);
        assert_eq!(
            parse_put_body(JSON, br#"{"fields":[]}"#).unwrap().fields,
            Some(vec![])
        );
    }

    #[test]
    fn upstream_json_keeps_order_and_duplicates() {
        let b = PutBody {
            fields: Some(vec![
                Field::new("disallow", "all"),
                Field::new("allow", "ulaw"),
                Field::new("allow", "alaw"),
            ]),
        };
        assert_eq!(
            b.to_upstream_json().unwrap(),
            r#"{"fields":[{"attribute":"disallow","value":"all"},{"attribute":"allow","value":"ulaw"},{"attribute":"allow","value":"alaw"}]}"#
        );
    }
}
