//! Reading an import file: any of the encodings and separators spreadsheets write, columns in any order,
//! each problem reported by line and column. Pure: no Asterisk, no database.

use std::collections::HashMap;

use model::provision::{NewPhoneUser, RowIssue};

use super::ProvisionError;
use model::provision::rules;

/// More rows than this: split the file (the import holds every row's result in memory).
pub const MAX_ROWS: usize = 20_000;
/// A longer row is refused on its own (a phone user's row is a few dozen characters).
pub const MAX_ROW_CHARS: usize = 1_000;
/// The largest import file read.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// A file read: the rows that passed the rules, and the problems of the others.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The rows that passed the rules, with their line numbers.
    pub rows: Vec<(usize, NewPhoneUser)>,
    /// The rows that did not, and why.
    pub errors: Vec<RowIssue>,
    /// What was read differently from how it looks (a sign, a separator), for the person.
    pub notes: Vec<String>,
    /// Data rows, blank lines not counted.
    pub total: usize,
    /// Each row the rules refused, once (a row can have several `errors`): its line and the extension
    /// it names (empty when the line could not be read), so the results keep every row.
    pub refused: Vec<(usize, String)>,
}

fn refuse(msg: impl Into<String>) -> ProvisionError {
    ProvisionError::Unreadable {
        message: msg.into(),
        about_header: false,
        hint: None,
    }
}

/// A refusal about the first line, which says how that line should look.
fn refuse_header(msg: impl Into<String>) -> ProvisionError {
    ProvisionError::Unreadable {
        message: msg.into(),
        about_header: true,
        hint: None,
    }
}

/// UTF-8 (with or without a BOM) or UTF-16 with a BOM, as Excel's "CSV UTF-8" and "Unicode text" write.
pub fn decode(bytes: &[u8]) -> Result<String, ProvisionError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode(rest);
    }
    let utf16 = |le: bool, rest: &[u8]| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| refuse("The file says it is UTF-16 but is not."))
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => return utf16(true, rest),
        [0xFE, 0xFF, rest @ ..] => return utf16(false, rest),
        _ => {}
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        ProvisionError::Unreadable {
            message: format!(
                "Line {line} is not UTF-8 text: the file is in another encoding (perhaps Windows-1252 or Latin-1)."
            ),
            about_header: false,
            hint: Some("In Excel or LibreOffice, save the file as 'CSV UTF-8'. Nothing was imported."),
        }
    })
}

/// The separator of the header line: comma, semicolon (European Excel) or tab.
fn separator(text: &str) -> u8 {
    let header = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|s| header.bytes().filter(|b| b == s).count())
        .unwrap_or(b',')
}

/// What a header cell means.
fn column(name: &str) -> Option<usize> {
    let n = name.trim().to_lowercase().replace([' ', '-'], "_");
    let canonical = match n.as_str() {
        "extension" | "ext" | "exten" | "number" | "username" | "user" => "extension",
        "name" | "display_name" | "caller_id" | "callerid" | "full_name" => "name",
        "password" | "secret" => "password",
        "template" => "template",
        "voicemail" | "mailbox" | "vm" => "voicemail",
        _ => return None,
    };
    rules::COLUMNS.iter().position(|c| *c == canonical)
}

/// Reads and checks every row. Fails as a whole only when the file cannot be read as a table at all.
pub fn parse(text: &str, templates: &[String]) -> Result<Parsed, ProvisionError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut out = Parsed::default();
    // The reader's own line numbers lag behind line terminators, so lines are counted from byte offsets:
    // a record starts after the terminators and blank lines at its offset.
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |pos: Option<&csv::Position>| {
        let mut at = pos.map_or(0, |p| p.byte() as usize);
        while text
            .as_bytes()
            .get(at)
            .is_some_and(|b| *b == b'\r' || *b == b'\n')
        {
            at += 1;
        }
        newlines.partition_point(|n| *n < at) + 1
    };
    // The header: the first line that is not blank.
    let (header, header_line) = loop {
        match records.next() {
            None => return Err(refuse_header("The file is empty.")),
            Some(Err(e)) => return Err(refuse(format!("The file is not a readable table: {e}"))),
            Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
            Some(Ok(r)) => break (r.clone(), line_of(r.position())),
        }
    };
    let mut map: Vec<Option<usize>> = Vec::new();
    for cell in header.iter() {
        let c = column(cell);
        if let Some(i) = c
            && map.contains(&Some(i))
        {
            return Err(refuse(format!(
                "Line {header_line}: the column '{}' appears twice.",
                rules::COLUMNS[i]
            )));
        }
        if c.is_none() && !cell.trim().is_empty() {
            out.notes
                .push(format!("The column '{}' is not used.", cell.trim()));
        }
        map.push(c);
    }
    for (i, required) in [(0, "extension"), (1, "name")] {
        if !map.contains(&Some(i)) {
            let found: Vec<&str> = header.iter().map(str::trim).collect();
            return Err(refuse_header(format!(
                "The first line has no column '{required}'. It has: {}.",
                found.join(", ")
            )));
        }
    }
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = line_of(e.position());
                out.errors.push(RowIssue {
                    line,
                    column: None,
                    message: format!("This line cannot be read: {e}"),
                });
                out.refused.push((line, String::new()));
                out.total += 1;
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.total += 1;
        if out.total > MAX_ROWS {
            return Err(ProvisionError::TooManyRows);
        }
        let line = line_of(record.position());
        let extension_cell = record
            .iter()
            .zip(&map)
            .find(|(_, c)| **c == Some(0))
            .map(|(v, _)| v.trim().to_string())
            .unwrap_or_default();
        let errors_before = out.errors.len();
        if let Some(()) = row(&mut out, &record, &map, line, templates, &mut first_line) {
            continue;
        }
        if out.errors.len() > errors_before {
            out.refused.push((line, extension_cell));
        }
    }
    if out.total == 0 {
        return Err(refuse_header("The file has a header but no rows."));
    }
    Ok(out)
}

/// Checks one data row: `Some(())` when it joined `out.rows`; otherwise its problems are in `out.errors`.
fn row(
    out: &mut Parsed,
    record: &csv::StringRecord,
    map: &[Option<usize>],
    line: usize,
    templates: &[String],
    first_line: &mut HashMap<String, usize>,
) -> Option<()> {
    let name_of = |i: usize| Some(rules::COLUMNS[i].to_string());
    {
        let chars: usize = record.iter().map(|c| c.chars().count() + 1).sum();
        if chars > MAX_ROW_CHARS {
            out.errors.push(RowIssue {
                line,
                column: None,
                message: format!(
                    "This row is {chars} characters long; a row can have at most {MAX_ROW_CHARS}."
                ),
            });
            return None;
        }
        if record.len() > map.len() && record.iter().skip(map.len()).any(|c| !c.trim().is_empty()) {
            out.errors.push(RowIssue {
                line,
                column: None,
                message: format!(
                    "This row has {} cells but the first line names {} columns.",
                    record.len(),
                    map.len()
                ),
            });
            return None;
        }
        let mut cells: [String; 5] = Default::default();
        for (cell, col) in record.iter().zip(map) {
            if let Some(i) = col {
                cells[*i] = cell.trim().to_string();
            }
        }
        let [extension, name, password, template, voicemail] = cells;
        let user = NewPhoneUser {
            extension,
            name,
            password: password.into(),
            template,
            voicemail,
        };
        let issues = rules::check(&user, templates);
        if !issues.is_empty() {
            out.errors
                .extend(issues.into_iter().map(|(c, message)| RowIssue {
                    line,
                    column: name_of(c),
                    message,
                }));
            return None;
        }
        if let Some(first) = first_line.get(&user.extension) {
            out.errors.push(RowIssue {
                line,
                column: name_of(0),
                message: format!("The extension {} is also on line {first}.", user.extension),
            });
            return None;
        }
        first_line.insert(user.extension.clone(), line);
        out.rows.push((line, user));
        Some(())
    }
}

/// What to say when the first line is not a header Conjure knows.
pub const HEADER_HINT: &str = "The first line names the columns: extension and name, optionally password, template and \
     voicemail, in any order, separated by commas or semicolons.";

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Vec<String> {
        vec!["desk-phone".into()]
    }

    #[test]
    fn any_order_separator_bom_and_blank_lines() {
        let text = decode(
            "\u{feff}Name;Extension;VM\r\n\r\nAnna Berg;2041;2041\r\n\r\n\"Berg; Bo\";2042;\r\n"
                .as_bytes(),
        )
        .unwrap();
        let p = parse(&text, &t()).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.total, 2);
        assert_eq!(p.rows[0].0, 3);
        assert_eq!(
            (
                p.rows[0].1.extension.as_str(),
                p.rows[0].1.voicemail.as_str()
            ),
            ("2041", "2041")
        );
        assert_eq!(p.rows[1].1.name, "Berg; Bo");
    }

    #[test]
    fn problems_by_line_and_column() {
        let long = "x".repeat(10_000);
        let text = format!(
            "extension,name,password\n2041,Anna,\n2042,,\n2041,Anna again,\n20 43,Bo,short\n2044,{long},\n2045,Cy,,extra\n"
        );
        let p = parse(&text, &t()).unwrap();
        let got: Vec<(usize, Option<&str>)> = p
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (3, Some("name")),
                (4, Some("extension")),
                (5, Some("extension")),
                (5, Some("password")),
                (6, None),
                (7, None)
            ]
        );
        assert!(p.errors[1].message.contains("also on line 2"));
        assert!(p.errors[4].message.contains("at most 1000"));
        assert_eq!(p.rows.len(), 1);
    }

    #[test]
    fn files_that_cannot_be_read_say_why() {
        let latin1 = b"extension,name\n2041,J\xf6rg\n";
        let e = decode(latin1).unwrap_err();
        assert!(e.to_string().contains("Line 2 is not UTF-8"), "{e}");
        let e = parse("ext,password\n2041,x\n", &t()).unwrap_err();
        assert!(e.to_string().contains("no column 'name'"), "{e}");
        assert!(parse("", &t()).is_err());
        assert!(
            parse("extension,name\n\n", &t())
                .unwrap_err()
                .to_string()
                .contains("no rows")
        );
        let mut big = String::from("extension,name\n");
        for i in 0..MAX_ROWS + 1 {
            big.push_str(&format!("{i},N\n"));
        }
        assert!(matches!(
            parse(&big, &t()).unwrap_err(),
            ProvisionError::TooManyRows
        ));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "extension\tname\n2041\tAnna\n"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes()),
            )
            .collect();
        let p = parse(&decode(&utf16).unwrap(), &t()).unwrap();
        assert_eq!(p.rows[0].1.name, "Anna");
    }
}
