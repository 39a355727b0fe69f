//! Comments as Asterisk's loader strips them, line by line: `;` to the end of the line, `\;` for a
//! semicolon, and `;-- … --;` block comments, which nest and span lines. A port of the loop in
//! `config_text_file_load`, including its quirks: `;---` opens nothing, and a `--;` outside any block
//! comment makes the depth negative, so the lines after it are skipped until a `;--`.

use crate::MAX_NESTED_COMMENTS;

#[derive(Default)]
pub(crate) struct Comments {
    depth: i32,
    overflowed: bool,
}

impl Comments {
    /// How deep in block comments the reader is (negative after a stray `--;`).
    pub(crate) fn depth(&self) -> i32 {
        self.depth
    }

    /// Whether the last line tried to open a block comment past the nesting limit.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The part of `line` that is not comment, or `None` when the whole line is.
    ///
    /// The C loop cuts a NUL-terminated buffer in place and moves text over the cuts; here the same
    /// decisions are made in one pass that copies what the C string would hold, so a line of many
    /// escapes or block comments costs its length, not its length squared.
    pub(crate) fn strip(&mut self, line: &str) -> Option<String> {
        self.overflowed = false;
        let chars: Vec<char> = line.chars().collect();
        let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
        // `process_buf`: whether the line is read at all, what it holds, and whether the text being
        // scanned still joins it (no NUL has been written at its end).
        let mut collecting = self.depth == 0;
        let mut out = String::new();
        let mut open = collecting;
        let mut from = 0usize;
        // A NUL in the line ends it, as it ends the C string.
        let end = chars.iter().position(|&c| c == '\0').unwrap_or(chars.len());
        let mut stopped = false;
        while let Some(p) = chars[from..end]
            .iter()
            .position(|&c| c == ';')
            .map(|p| p + from)
        {
            if collecting && open {
                out.extend(&chars[from..p]);
            }
            if p > from && at(p - 1) == '\\' {
                // An escaped semicolon is text: the backslash goes, the semicolon stays.
                if collecting && open {
                    out.pop();
                    out.push(';');
                }
                from = p + 1;
            } else if at(p + 1) == '-' && at(p + 2) == '-' && at(p + 3) != '-' {
                if self.depth < MAX_NESTED_COMMENTS {
                    open = false;
                    self.depth += 1;
                    from = p + 3;
                } else {
                    // Asterisk logs this and looks at the same ';' again, for ever; Conjure goes on.
                    self.overflowed = true;
                    from = p + 1;
                }
            } else if p >= from + 2 && at(p - 1) == '-' && at(p - 2) == '-' {
                self.depth -= 1;
                from = p + 1;
                if self.depth == 0 {
                    // What follows the comment joins what came before it (or starts the line's text).
                    if !collecting {
                        collecting = true;
                        out.clear();
                    }
                    open = true;
                } else if collecting && open {
                    // No cut was made: the ';' stays in the text.
                    out.push(';');
                }
            } else if self.depth == 0 {
                // A line comment ends all comment processing of the line.
                stopped = true;
                break;
            } else {
                if collecting && open {
                    out.push(';');
                }
                from = p + 1;
            }
        }
        if collecting && open && !stopped {
            out.extend(&chars[from.min(end)..end]);
        }
        collecting.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> Vec<Option<String>> {
        let mut c = Comments::default();
        lines.iter().map(|l| c.strip(l)).collect()
    }

    #[test]
    fn line_comments_and_escapes() {
        assert_eq!(run(&["a=b ; c"]), [Some("a=b ".into())]);
        assert_eq!(run(&["a=b\\;c;d"]), [Some("a=b;c".into())]);
        assert_eq!(run(&["; all"]), [Some(String::new())]);
    }

    #[test]
    fn block_comments_span_lines_and_nest() {
        assert_eq!(
            run(&["a=1 ;-- x", "y ;-- z --; still", "--; b=2", "c=3"]),
            [
                Some("a=1 ".into()),
                None,
                Some(" b=2".into()),
                Some("c=3".into())
            ]
        );
        assert_eq!(run(&["a ;-- x --; b"]), [Some("a  b".into())]);
        // `;---` is a line comment, not a block.
        assert_eq!(
            run(&["a ;--- x", "b"]),
            [Some("a ".into()), Some("b".into())]
        );
    }

    #[test]
    fn a_stray_block_end_hides_what_follows_as_in_asterisk() {
        let mut c = Comments::default();
        assert_eq!(c.strip("a=1 --;"), Some("a=1 --;".into()));
        assert_eq!(c.depth(), -1);
        assert_eq!(c.strip("b=2"), None);
    }
}
