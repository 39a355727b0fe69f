//! A spreadsheet made by [`crate::spreadsheet::table`], answered as a file to save.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The download of `body` (a CSV) under `filename`.
pub fn csv(filename: &'static str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
