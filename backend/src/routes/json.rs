//! `AppJson<T>`: every JSON request body of the panel's API, read one way. Only `application/json` is
//! taken (an HTML form on another site cannot send it without a CORS preflight, so a cross-site page
//! cannot sign a victim in or change anything), the size is bounded by the route's `DefaultBodyLimit`,
//! and every refusal is one of Conjure's errors with words a person can act on.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};

use crate::error::AppError;

/// The JSON bodies of the panel's forms are small; imports and PUT bodies have limits of their own.
pub const JSON_LIMIT: usize = 16 * 1024;

pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(model::body::is_json_content_type);
        if !is_json {
            return Err(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the request as JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("The request is larger than {} KB.", JSON_LIMIT / 1024),
            )
        })?;
        serde_json::from_slice(&bytes).map(AppJson).map_err(|e| {
            AppError::new(
                StatusCode::BAD_REQUEST,
                format!("The request is not what Conjure expects: {e}"),
            )
        })
    }
}
