//! Asterisk's configuration syntax, read as `main/config.c` of Asterisk 22 reads it: sections
//! (`[name]`), templates (`[name](!)`), inheritance (`[name](a,b)`: the templates' options first, in
//! order), additions (`[name](+)`, `[name](+type=aor)`), several sections of one name, `=`, `=>` and
//! `+=`, `;` comments, `;-- … --;` block comments, `\;` escapes, and `#include` / `#tryinclude` among a
//! set of files given in memory. `#exec` is refused: it runs a program on the machine that reads the file.
//!
//! What Asterisk would refuse (the whole file fails to load) is a [`ReadError`] naming the file, line
//! and column; what it only warns about and skips is a [`Warning`] beside the result, so nothing is
//! dropped without a word.
//!
//! Nothing here is quadratic: sections are found by name through an index, `+=` finds the option it
//! extends through an index, and the text that includes may make is bounded ([`MAX_EXPANDED_BYTES`]).

mod comments;
mod files;
mod line;
mod upload;
pub mod wizard;

pub use files::Files;
pub use upload::{MAX_FILES, MAX_UNPACKED_BYTES, UploadError};

use std::collections::HashMap;
use std::fmt;

/// Where something was written: a file of the upload, a line (from 1) and a column (from 1, in
/// characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The file's name as uploaded (or as an `#include` named it).
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One `name = value` of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    /// The option's name as written (Asterisk's readers compare most names case-insensitively).
    pub name: String,
    /// Its value, without the blanks around it.
    pub value: String,
    /// Where it was written (for an inherited option: in the template).
    pub at: Place,
    /// Copied from a template the section inherits from.
    pub inherited: bool,
    /// Written with `=>` rather than `=` (the same to PJSIP).
    pub object: bool,
}

/// One `[name]` section, with what it inherited and what `(+)` sections added to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name between the brackets, as written.
    pub name: String,
    /// A template (`(!)`): only inherited from, never an object itself.
    pub template: bool,
    /// Where its header was written.
    pub at: Place,
    /// The templates it inherits from, in the order listed.
    pub inherits: Vec<String>,
    /// Its options in the order Asterisk applies them: inherited first, then its own.
    pub options: Vec<Opt>,
}

impl Section {
    /// The last value of option `name` (compared case-insensitively), as a reader that keeps the last
    /// one sees it.
    pub fn last(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|o| o.name.eq_ignore_ascii_case(name))
            .map(|o| o.value.as_str())
    }
}

/// Something Asterisk skips with a warning in its log: said, never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub at: Place,
    /// What, and what became of it.
    pub message: String,
}

/// The files read, in Asterisk's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Every section, templates included, in the order they were defined.
    pub sections: Vec<Section>,
    /// What was skipped, and why.
    pub warnings: Vec<Warning>,
}

impl Config {
    /// The sections that are not templates: what Asterisk's modules see.
    pub fn objects(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.template)
    }
}

/// Why the files cannot be read as Asterisk would load them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {kind}")]
pub struct ReadError {
    /// Where.
    pub at: Place,
    /// What.
    pub kind: ErrorKind,
}

/// What went wrong; each says it in words an administrator can act on.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("the section header has no closing ']'")]
    NoClosingBracket,
    #[error("the section header's '(' has no closing ')'")]
    NoClosingParen,
    #[error("'[{0}](+)' adds to a section '{0}' that is not defined above it")]
    NothingToAddTo(String),
    #[error("'{0}' is inherited from, but no section or template of that name is defined above it")]
    NoSuchTemplate(String),
    #[error("an option before any section: put it under a [section] header")]
    NoSection,
    #[error("'\\' must be followed by a visible character")]
    BadEscape,
    #[error(
        "#exec runs a program on the machine that reads the file; Conjure does not run programs from an upload. Put the program's output in a file and #include that instead"
    )]
    Exec,
    #[error(
        "#include \"{0}\": no uploaded file has that name (upload it with the others, or use #tryinclude if it may be missing)"
    )]
    IncludeMissing(String),
    #[error(
        "#include \"{0}\" names a file outside Asterisk's configuration directory, which an upload cannot hold"
    )]
    IncludeOutside(String),
    #[error("includes nest deeper than {MAX_INCLUDE_DEPTH} files (Asterisk's limit): {0}")]
    IncludeTooDeep(String),
    #[error("'{0}' includes itself: {1}")]
    IncludeLoop(String, String),
    #[error("the includes make more than {} MB of text", MAX_EXPANDED_BYTES / 1024 / 1024)]
    TooMuch,
    #[error("no uploaded file is named '{0}'")]
    NoFile(String),
    #[error("the regular expression '{0}' of a '(+…)' filter is not valid: {1}")]
    BadFilter(String, String),
}

/// Asterisk's `MAX_INCLUDE_LEVEL`: the file itself and nine levels of includes below it.
pub const MAX_INCLUDE_DEPTH: usize = 10;
/// Asterisk's `MAX_NESTED_COMMENTS`.
pub const MAX_NESTED_COMMENTS: i32 = 128;
/// Asterisk reads lines into a buffer of 8,192 bytes and skips a longer line with a warning.
pub const MAX_LINE_BYTES: usize = 8191;
/// How much text all includes together may make (a bound on `#include` fan-out, which can grow
/// exponentially with depth).
pub const MAX_EXPANDED_BYTES: usize = 64 * 1024 * 1024;
/// Asterisk keeps 79 bytes of a section's name (`char name[80]`).
pub const MAX_NAME_BYTES: usize = 79;

/// Reads `entry` of `files` (with what it includes) as Asterisk loads a configuration file.
pub fn read(files: &Files, entry: &str) -> Result<Config, ReadError> {
    let mut r = Reader::default();
    let start = Place {
        file: entry.to_string(),
        line: 0,
        column: 0,
    };
    r.load(files, entry, None, &start, &mut Vec::new())?;
    Ok(Config {
        sections: r.sections,
        warnings: r.warnings,
    })
}

/// The state of one load: what the sections are so far, and the indexes that keep lookups cheap.
#[derive(Default)]
struct Reader {
    sections: Vec<Section>,
    warnings: Vec<Warning>,
    /// Section indexes by lower-cased name, in order of definition.
    by_name: HashMap<String, Vec<usize>>,
    /// Per section: the index in `options` of the last option of each name (`+=` extends it).
    last_of: Vec<HashMap<String, usize>>,
    /// The section the next file's options go to (Asterisk's "current category").
    current: Option<usize>,
    /// Text read so far, includes counted each time.
    expanded: usize,
    /// Compiled `(+…)` filters.
    filters: HashMap<String, Vec<(regex::Regex, regex::Regex)>>,
}

impl Reader {
    fn warn(&mut self, at: &Place, message: impl Into<String>) {
        self.warnings.push(Warning {
            at: at.clone(),
            message: message.into(),
        });
    }

    /// Loads one file; `cat` is where its first options go (the including file's current section).
    fn load(
        &mut self,
        files: &Files,
        name: &str,
        cat: Option<usize>,
        from: &Place,
        stack: &mut Vec<String>,
    ) -> Result<(), ReadError> {
        let err = |kind| ReadError {
            at: from.clone(),
            kind,
        };
        if stack.iter().any(|f| f == name) {
            let mut chain = stack.clone();
            chain.push(name.to_string());
            return Err(err(ErrorKind::IncludeLoop(
                name.to_string(),
                chain.join(" → "),
            )));
        }
        if stack.len() >= MAX_INCLUDE_DEPTH {
            let mut chain = stack.clone();
            chain.push(name.to_string());
            return Err(err(ErrorKind::IncludeTooDeep(chain.join(" → "))));
        }
        let Some(text) = files.text(name) else {
            return Err(err(ErrorKind::NoFile(name.to_string())));
        };
        self.expanded += text.text.len();
        if self.expanded > MAX_EXPANDED_BYTES {
            return Err(err(ErrorKind::TooMuch));
        }
        if text.latin1 {
            self.warn(
                &Place {
                    file: name.to_string(),
                    line: 1,
                    column: 1,
                },
                "the file is not UTF-8; it was read as Latin-1 (ISO 8859-1)",
            );
        }
        stack.push(name.to_string());
        let mut cat = cat;
        let mut comments = comments::Comments::default();
        for (i, raw) in text.text.split('\n').enumerate() {
            let at = Place {
                file: name.to_string(),
                line: i as u32 + 1,
                column: 1,
            };
            if raw.len() > MAX_LINE_BYTES {
                self.warn(
                    &at,
                    format!(
                        "the line is longer than {MAX_LINE_BYTES} bytes; Asterisk skips it, and so did Conjure"
                    ),
                );
                continue;
            }
            let before = comments.depth();
            let kept = comments.strip(raw);
            if comments.depth() < 0 && before >= 0 {
                self.warn(
                    &at,
                    "'--;' ends a block comment that was never opened; Asterisk then skips every line until the next ';--'",
                );
            }
            if comments.depth() >= MAX_NESTED_COMMENTS && comments.overflowed() {
                self.warn(
                    &at,
                    format!("block comments nest deeper than {MAX_NESTED_COMMENTS}"),
                );
            }
            let Some(kept) = kept else { continue };
            let text = line::strip(&kept);
            if text.is_empty() {
                continue;
            }
            let at = Place {
                column: line::column_of(raw, text),
                ..at
            };
            self.line(files, text, &at, &mut cat, stack)?;
        }
        stack.pop();
        Ok(())
    }

    /// One line that is not a comment: a section header, a directive, or an option.
    fn line(
        &mut self,
        files: &Files,
        text: &str,
        at: &Place,
        cat: &mut Option<usize>,
        stack: &mut Vec<String>,
    ) -> Result<(), ReadError> {
        let err = |kind| ReadError {
            at: at.clone(),
            kind,
        };
        if let Some(rest) = text.strip_prefix('[') {
            let header = line::header(rest).ok_or_else(|| err(ErrorKind::NoClosingBracket))?;
            let header = header.map_err(|()| err(ErrorKind::NoClosingParen))?;
            self.section(header, at, cat)
        } else if let Some(rest) = text.strip_prefix('#') {
            self.directive(files, rest, at, stack)
        } else {
            let Some(c) = *cat else {
                return Err(err(ErrorKind::NoSection));
            };
            match line::option(text) {
                Err(line::OptionLine::BadEscape) => Err(err(ErrorKind::BadEscape)),
                Err(line::OptionLine::NoEquals) => {
                    self.warn(
                        at,
                        "no '=' in the line; Asterisk skips it, and so did Conjure",
                    );
                    Ok(())
                }
                Ok(o) if o.name.is_empty() => {
                    self.warn(
                        at,
                        "no option name before '='; Asterisk skips the line, and so did Conjure",
                    );
                    Ok(())
                }
                Ok(o) => {
                    self.option(c, o, at);
                    Ok(())
                }
            }
        }
    }

    fn section(
        &mut self,
        header: line::Header<'_>,
        at: &Place,
        cat: &mut Option<usize>,
    ) -> Result<(), ReadError> {
        let err = |kind| ReadError {
            at: at.clone(),
            kind,
        };
        let mut name = header.name.to_string();
        if name.len() > MAX_NAME_BYTES {
            let mut cut = MAX_NAME_BYTES;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name.truncate(cut);
            self.warn(
                at,
                format!("the section name is longer than {MAX_NAME_BYTES} bytes; Asterisk keeps '{name}'"),
            );
        }
        // The new section, until a `+` makes its options go to an existing one instead.
        let mut new = Some(Section {
            name: name.clone(),
            template: false,
            at: at.clone(),
            inherits: Vec::new(),
            options: Vec::new(),
        });
        let mut target: Option<usize> = None;
        for item in header.items.iter().copied() {
            if item.eq_ignore_ascii_case("!") {
                match target {
                    Some(t) => self.sections[t].template = true,
                    None => new.as_mut().expect("a new section").template = true,
                }
            } else if let Some(filter) = item.strip_prefix('+') {
                let found = self
                    .find(&name, filter, false)
                    .map_err(|(re, why)| err(ErrorKind::BadFilter(re, why)))?
                    .ok_or_else(|| err(ErrorKind::NothingToAddTo(name.clone())))?;
                if let Some(n) = new.take() {
                    self.sections[found].template |= n.template;
                    for o in n.options {
                        self.push(found, o);
                    }
                }
                target = Some(found);
            } else {
                let base = self
                    .find(item, "", true)
                    .expect("no filter, no regular expression")
                    .ok_or_else(|| err(ErrorKind::NoSuchTemplate(item.to_string())))?;
                let inherited: Vec<Opt> = self.sections[base]
                    .options
                    .iter()
                    .map(|o| Opt {
                        inherited: true,
                        ..o.clone()
                    })
                    .collect();
                match target {
                    Some(t) => {
                        self.sections[t].inherits.push(item.to_string());
                        for o in inherited {
                            self.push(t, o);
                        }
                    }
                    None => {
                        let n = new.as_mut().expect("a new section");
                        n.inherits.push(item.to_string());
                        n.options.extend(inherited);
                    }
                }
            }
        }
        match new {
            Some(n) => {
                let i = self.sections.len();
                self.by_name.entry(name.to_lowercase()).or_default().push(i);
                let mut last = HashMap::new();
                for (k, o) in n.options.iter().enumerate() {
                    last.insert(o.name.clone(), k);
                }
                self.last_of.push(last);
                self.sections.push(n);
                self.current = Some(i);
                *cat = Some(i);
            }
            None => {
                self.current = target;
                *cat = target;
            }
        }
        Ok(())
    }

    /// The first section named `name` (case-insensitively) that passes `filter` (`type=aor&…`, each
    /// side an unanchored regular expression, as Asterisk's `does_category_match`); templates only
    /// with `templates`, or the regular expression that does not compile.
    fn find(
        &mut self,
        name: &str,
        filter: &str,
        templates: bool,
    ) -> Result<Option<usize>, (String, String)> {
        let Some(candidates) = self.by_name.get(&name.to_lowercase()) else {
            return Ok(None);
        };
        let filter = filter.trim();
        if !self.filters.contains_key(filter) {
            let mut compiled = Vec::new();
            for pair in filter.split('&').map(str::trim).filter(|p| !p.is_empty()) {
                let mut sides = pair.splitn(2, '=').map(str::trim);
                let (Some(n), Some(v)) = (sides.next(), sides.next()) else {
                    break;
                };
                let re = |s: &str| regex::Regex::new(s).map_err(|e| (s.to_string(), e.to_string()));
                compiled.push((re(n)?, re(v)?));
            }
            self.filters.insert(filter.to_string(), compiled);
        }
        let tests = &self.filters[filter];
        Ok(candidates.iter().copied().find(|&i| {
            let s = &self.sections[i];
            (templates || !s.template)
                && tests.iter().all(|(n, v)| {
                    s.options
                        .iter()
                        .any(|o| n.is_match(&o.name) && v.is_match(&o.value))
                })
        }))
    }

    fn push(&mut self, section: usize, o: Opt) {
        let options = &mut self.sections[section].options;
        self.last_of[section].insert(o.name.clone(), options.len());
        options.push(o);
    }

    fn option(&mut self, section: usize, o: line::OptionText<'_>, at: &Place) {
        if o.append
            && let Some(&k) = self.last_of[section].get(o.name)
        {
            // `+=` adds to the last value of that name, blanks trimmed at both ends.
            let old = &mut self.sections[section].options[k];
            let joined = format!("{}{}", old.value, o.value);
            old.value = line::strip(&joined).to_string();
            return;
        }
        self.push(
            section,
            Opt {
                name: o.name.to_string(),
                value: line::strip(o.value).to_string(),
                at: at.clone(),
                inherited: false,
                object: o.object,
            },
        );
    }

    fn directive(
        &mut self,
        files: &Files,
        rest: &str,
        at: &Place,
        stack: &mut Vec<String>,
    ) -> Result<(), ReadError> {
        let (word, arg) = line::directive(rest);
        let kind = word.to_ascii_lowercase();
        if !matches!(kind.as_str(), "include" | "tryinclude" | "exec") {
            self.warn(
                at,
                format!("unknown directive '#{word}'; Asterisk skips it, and so did Conjure"),
            );
            return Ok(());
        }
        let Some(arg) = arg else {
            self.warn(
                at,
                format!("'#{word}' names no file; Asterisk skips it, and so did Conjure"),
            );
            return Ok(());
        };
        if kind == "exec" {
            return Err(ReadError {
                at: at.clone(),
                kind: ErrorKind::Exec,
            });
        }
        let pattern = line::dequote(arg);
        let names = files.matching(pattern).map_err(|kind| ReadError {
            at: at.clone(),
            kind,
        })?;
        if names.is_empty() {
            if kind == "include" {
                return Err(ReadError {
                    at: at.clone(),
                    kind: ErrorKind::IncludeMissing(pattern.to_string()),
                });
            }
            self.warn(at, format!("#tryinclude \"{pattern}\": no uploaded file has that name; nothing was included"));
            return Ok(());
        }
        // The included file starts in the section the configuration is in now; this file goes on in
        // its own afterwards, as Asterisk's loader does.
        for name in names {
            let from = self.current;
            self.load(files, &name, from, at, stack)?;
        }
        Ok(())
    }
}
