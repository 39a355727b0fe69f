//! The files an administrator uploads, by name: what `#include` finds them by. Asterisk resolves a
//! relative name against its configuration directory (`/etc/asterisk`); an upload stands in for that
//! directory, so `/etc/asterisk/x.conf` is `x.conf`, and any other absolute path is outside it.

use std::collections::BTreeMap;

use crate::ErrorKind;

/// Where Asterisk looks for relative names.
const CONFIG_DIR: &str = "/etc/asterisk/";

/// The uploaded files, decoded once.
#[derive(Debug, Default, Clone)]
pub struct Files {
    by_name: BTreeMap<String, Text>,
}

#[derive(Debug, Clone)]
pub(crate) struct Text {
    /// Lines end with `\n`; a `\r` before it is a blank like any other.
    pub(crate) text: String,
    /// Not UTF-8: read byte by byte as Latin-1.
    pub(crate) latin1: bool,
}

impl Files {
    /// No files.
    pub fn new() -> Files {
        Files::default()
    }

    /// Adds a file under `name` (`pjsip.conf`, `pjsip.d/phones.conf`): UTF-8 (its byte-order mark
    /// dropped, as Asterisk drops it), or else Latin-1.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => Text {
                text: s.to_string(),
                latin1: false,
            },
            Err(_) => Text {
                text: bytes.iter().map(|&b| char::from(b)).collect(),
                latin1: true,
            },
        };
        self.by_name.insert(normalise(name).to_string(), text);
    }

    /// Adds every file of `other` (a file of the same name is replaced).
    pub fn absorb(&mut self, other: Files) {
        self.by_name.extend(other.by_name);
    }

    /// The names of the files, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub(crate) fn text(&self, name: &str) -> Option<&Text> {
        self.by_name.get(normalise(name))
    }

    /// The files an `#include` of `pattern` reads, in glob(3)'s order (sorted): one name, or every
    /// name a shell glob (`pjsip.d/*.conf`) matches.
    pub(crate) fn matching(&self, pattern: &str) -> Result<Vec<String>, ErrorKind> {
        let name = match pattern.strip_prefix(CONFIG_DIR) {
            Some(inside) => inside,
            None if pattern.starts_with('/') => {
                return Err(ErrorKind::IncludeOutside(pattern.to_string()));
            }
            None => normalise(pattern),
        };
        if name.contains(['*', '?', '[', '{'])
            && let Ok(glob) = glob::Pattern::new(name)
        {
            let options = glob::MatchOptions {
                case_sensitive: true,
                require_literal_separator: true,
                require_literal_leading_dot: true,
            };
            return Ok(self
                .names()
                .filter(|n| glob.matches_with(n, options))
                .map(str::to_string)
                .collect());
        }
        Ok(if self.by_name.contains_key(name) {
            vec![name.to_string()]
        } else {
            Vec::new()
        })
    }
}

fn normalise(name: &str) -> &str {
    let mut n = name;
    while let Some(rest) = n.strip_prefix("./") {
        n = rest;
    }
    n
}
