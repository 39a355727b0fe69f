//! One line of text, once comments are gone: the pieces `process_text_line` of `main/config.c` cuts it
//! into. Blanks are what Asterisk's `ast_strip` takes away: every character below 33.

/// `s` without the blanks at both ends (`ast_strip`: every character below 33, not only spaces).
pub(crate) fn strip(s: &str) -> &str {
    s.trim_matches(|c: char| (c as u32) < 33)
}

/// The column (from 1, in characters) where `text`, a slice of `raw` once stripped, starts; the
/// first visible character of the line when comments moved it.
pub(crate) fn column_of(raw: &str, text: &str) -> u32 {
    let byte = raw
        .find(text)
        .or_else(|| raw.find(|c: char| (c as u32) >= 33))
        .unwrap_or(0);
    raw[..byte].chars().count() as u32 + 1
}

/// A section header after its `[`.
pub(crate) struct Header<'a> {
    pub(crate) name: &'a str,
    /// What the parentheses list, split on commas as written (`!`, `+…`, template names).
    pub(crate) items: Vec<&'a str>,
}

/// `None`: no `]`; `Err`: a `(` without `)`. Anything after `]` that is not `(` is ignored, as
/// Asterisk ignores it.
pub(crate) fn header(rest: &str) -> Option<Result<Header<'_>, ()>> {
    let close = rest.find(']')?;
    let name = &rest[..close];
    let after = &rest[close + 1..];
    let Some(inside) = after.strip_prefix('(') else {
        return Some(Ok(Header {
            name,
            items: Vec::new(),
        }));
    };
    let Some(end) = inside.find(')') else {
        return Some(Err(()));
    };
    Some(Ok(Header {
        name,
        items: inside[..end].split(',').collect(),
    }))
}

/// `#word argument`: the word runs to the first character below 33; the argument is stripped.
pub(crate) fn directive(rest: &str) -> (&str, Option<&str>) {
    match rest.find(|c: char| (c as u32) <= 32) {
        None => (rest, None),
        Some(i) => {
            let arg = strip(&rest[i + 1..]);
            (&rest[..i], (!arg.is_empty()).then_some(arg))
        }
    }
}

/// An include's file name without the `"…"` or `<…>` around it.
pub(crate) fn dequote(arg: &str) -> &str {
    for (open, close) in [('"', '"'), ('<', '>')] {
        if let Some(inner) = arg.strip_prefix(open)
            && let Some(inner) = inner.strip_suffix(close)
        {
            return inner;
        }
    }
    arg
}

/// An option line, cut as Asterisk cuts it.
pub(crate) struct OptionText<'a> {
    pub(crate) name: &'a str,
    /// What follows `=` (`=>`'s `>` taken off), not yet stripped.
    pub(crate) value: &'a str,
    /// `+=`: add to the last value of that name.
    pub(crate) append: bool,
    /// `=>`.
    pub(crate) object: bool,
}

pub(crate) enum OptionLine {
    BadEscape,
    NoEquals,
}

/// `name = value`, `name => value`, `name += value`, or `\`-escaped first character.
pub(crate) fn option(text: &str) -> Result<OptionText<'_>, OptionLine> {
    let mut cur = text;
    let escaped = cur.starts_with('\\');
    if escaped {
        cur = &cur[1..];
        if cur.chars().next().is_none_or(|c| (c as u32) < 33) {
            return Err(OptionLine::BadEscape);
        }
    }
    // Asterisk looks for '=' one character further on after an escape: the escaped character itself
    // may be '='.
    let skip = if escaped {
        cur.chars().next().map_or(0, char::len_utf8)
    } else {
        0
    };
    let eq = cur[skip..]
        .find('=')
        .map(|i| i + skip)
        .ok_or(OptionLine::NoEquals)?;
    if eq > skip && cur[..eq].ends_with('+') {
        return Ok(OptionText {
            name: strip(&cur[..eq - 1]),
            value: &cur[eq + 1..],
            append: true,
            object: false,
        });
    }
    let (value, object) = match cur[eq + 1..].strip_prefix('>') {
        Some(v) => (v, true),
        None => (&cur[eq + 1..], false),
    };
    Ok(OptionText {
        name: strip(&cur[..eq]),
        value,
        append: false,
        object,
    })
}
