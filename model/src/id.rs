//! Object ids: what Conjure accepts, how it puts them in an upstream URL, and how Asterisk decodes a path.

use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// Longest id Conjure makes, in UTF-8 bytes. Asterisk takes ids up to its 4096-byte request line (the
/// reference stores 1000 and 4000 characters); Conjure escapes every byte outside the unreserved set, so an
/// id of this length always fits that line however it is spelled (3000 escaped + the path), and the
/// ids Asterisk accepts from a script are ids Conjure accepts too.
pub const MAX_ID_BYTES: usize = 1000;

/// Why an id was refused. The messages are shown to people as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("the id is empty: give the object a name")]
    /// No id at all.
    Empty,
    #[error("the id is {0} bytes long; the limit is {MAX_ID_BYTES}")]
    /// Longer than Conjure makes (the length in bytes).
    TooLong(usize),
    #[error(
        "the id contains a control character (code {0:#04x}) at position {1}; use letters, digits and punctuation only"
    )]
    /// A control character (its code, at this byte).
    Control(u32, usize),
    #[error("the id '{0}' is a path step that HTTP clients rewrite; choose another name")]
    /// `.` or `..`, which a URL path cannot carry.
    DotSegment(String),
    #[error("the id is not valid UTF-8 after decoding")]
    /// Bytes that are not UTF-8.
    NotUtf8,
}

/// A validated sorcery object id (case-sensitive, any printable UTF-8).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ObjectId(String);

impl ObjectId {
    /// Checks an id as a person typed it.
    pub fn new(id: impl Into<String>) -> Result<Self, IdError> {
        let id = id.into();
        if id.is_empty() {
            return Err(IdError::Empty);
        }
        if id.len() > MAX_ID_BYTES {
            return Err(IdError::TooLong(id.len()));
        }
        if let Some((pos, c)) = id.chars().enumerate().find(|(_, c)| c.is_control()) {
            return Err(IdError::Control(c as u32, pos + 1));
        }
        if id == "." || id == ".." {
            return Err(IdError::DotSegment(id));
        }
        Ok(ObjectId(id))
    }

    /// Decodes one raw path segment the way Asterisk does (`%XX` decoded, `+` is a space, broken escapes
    /// kept as they are), then validates it. Asterisk would silently cut an id at `%00`; Conjure refuses it.
    pub fn from_asterisk_path_segment(raw: &str) -> Result<Self, IdError> {
        let bytes = decode_legacy(raw);
        let id = String::from_utf8(bytes).map_err(|_| IdError::NotUtf8)?;
        ObjectId::new(id)
    }

    /// An id to read (GET) as Asterisk would: any length its request line allows (what Conjure refuses to
    /// make, it still lets a script look up). The other checks stay.
    pub fn from_asterisk_path_segment_to_read(raw: &str) -> Result<Self, IdError> {
        let bytes = decode_legacy(raw);
        let id = String::from_utf8(bytes).map_err(|_| IdError::NotUtf8)?;
        if id.len() <= MAX_ID_BYTES {
            return ObjectId::new(id);
        }
        if let Some((pos, c)) = id.chars().enumerate().find(|(_, c)| c.is_control()) {
            return Err(IdError::Control(c as u32, pos + 1));
        }
        Ok(ObjectId(id))
    }

    /// The id percent-encoded as one path segment: every byte outside `A-Z a-z 0-9 - . _ ~` is escaped,
    /// so `+`, `/`, `%`, spaces and UTF-8 reach Asterisk as the id they are.
    pub fn to_path_segment(&self) -> String {
        encode_segment(&self.0)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Percent-encodes all bytes outside the unreserved set.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Asterisk's "legacy" URI decoding of one path segment.
pub fn decode_legacy(raw: &str) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Strict percent-decoding (RFC 3986): `%XX` decoded, `+` kept. Used for the panel's own URLs, which
/// [`encode_segment`] builds.
pub fn decode_percent(raw: &str) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (hex(b.get(i + 1)), hex(b.get(i + 2)))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn hex(c: Option<&u8>) -> Option<u8> {
    (*c? as char).to_digit(16).map(|d| d as u8)
}

impl TryFrom<String> for ObjectId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        ObjectId::new(s)
    }
}

impl From<ObjectId> for String {
    fn from(id: ObjectId) -> String {
        id.0
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(raw: &str) -> String {
        String::from_utf8(decode_legacy(raw)).unwrap()
    }

    #[test]
    fn decodes_like_asterisk() {
        // Each pair is from the reference transcript (ids/*).
        assert_eq!(decoded("with%20space"), "with space");
        assert_eq!(decoded("a+b"), "a b");
        assert_eq!(decoded("c%2Bd"), "c+d");
        assert_eq!(decoded("a%2Fb"), "a/b");
        assert_eq!(decoded("c%2fd"), "c/d");
        assert_eq!(decoded("j%C3%BCrgen-%E6%97%A5%E6%9C%AC"), "jürgen-日本");
        assert_eq!(decoded("bad%zzq"), "bad%zzq");
        assert_eq!(decoded("abc%"), "abc%");
        assert_eq!(decoded("abc%2"), "abc%2");
        assert_eq!(decoded("50%25"), "50%");
        assert_eq!(decoded("%2E%2E"), "..");
    }

    #[test]
    fn refuses_what_asterisk_would_mangle() {
        assert_eq!(
            ObjectId::from_asterisk_path_segment("nul%00byte"),
            Err(IdError::Control(0, 4))
        );
        assert_eq!(ObjectId::new(""), Err(IdError::Empty));
        assert!(matches!(ObjectId::new("a\tb"), Err(IdError::Control(9, 2))));
        assert!(matches!(ObjectId::new(".."), Err(IdError::DotSegment(_))));
        assert!(matches!(
            ObjectId::new("x".repeat(1001)),
            Err(IdError::TooLong(1001))
        ));
        assert!(ObjectId::new("x".repeat(1000)).is_ok());
        // Escaped, the longest id still fits Asterisk's 4096-byte request line.
        let widest = ObjectId::new("日".repeat(333)).unwrap();
        assert!(widest.to_path_segment().len() + 100 < 4096);
        assert!(ObjectId::from_asterisk_path_segment("y".repeat(1300).as_str()).is_err());
        let long = ObjectId::from_asterisk_path_segment_to_read(&"y".repeat(1300)).unwrap();
        assert_eq!(long.as_str().len(), 1300, "a long id can still be read");
        assert!(ObjectId::from_asterisk_path_segment_to_read("a%01b").is_err());
        assert!(ObjectId::from_asterisk_path_segment("%FF").is_err());
    }

    #[test]
    fn panel_urls_round_trip() {
        for id in ["a+b", "x/y 100%", "jürgen-日本", "%2F"] {
            assert_eq!(
                String::from_utf8(decode_percent(&encode_segment(id))).unwrap(),
                id
            );
        }
    }

    #[test]
    fn encoding_round_trips_through_asterisk_decoding() {
        for id in [
            "alice",
            "a+b",
            "a b",
            "x/y",
            "100%",
            "jürgen-日本",
            "what?",
            "num#ber",
            "aor;@abc",
            "example.org",
        ] {
            let id = ObjectId::new(id).unwrap();
            let seg = id.to_path_segment();
            assert!(!seg.contains(['+', '/', ' ', '?', '#', ';']), "{seg}");
            assert_eq!(ObjectId::from_asterisk_path_segment(&seg).unwrap(), id);
        }
    }
}
