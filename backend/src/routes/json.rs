//! `AppJson<T>`: every JSON request body of the panel's API, read one way. Only `application/json` is
//! taken (an HTML form on another site cannot send it without a CORS preflight, so a cross-site page
//! cannot sign a victim in or change anything), the size is bounded by the route's `DefaultBodyLimit`,
//! and every refusal is one of Conjure's errors with words a person can act on. `PutJson` is the body of
//! an object's PUT, checked as Asterisk would take it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

use model::PutBody;

use crate::error::{AppError, WebError};

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
            return Err(WebError::NotJson.into());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| WebError::TooLarge(JSON_LIMIT))?;
        serde_json::from_slice(&bytes)
            .map(AppJson)
            .map_err(|e| WebError::NotExpected(e.to_string()).into())
    }
}

/// A PUT body for an object (both doors): content type, size and shape checked by `model::parse_put_body`,
/// so Asterisk only ever sees bodies it can parse. Its own route has no `DefaultBodyLimit` below `CAP`.
pub struct PutJson(pub PutBody);

impl<S: Send + Sync> FromRequest<S> for PutJson {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        /// Past this, the body is not even read to say how large it is (Asterisk's own limit,
        /// `model::ASTERISK_MAX_BODY`, is checked by the parser, with a message that says it).
        const CAP: usize = 1 << 20;
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = axum::body::to_bytes(req.into_body(), CAP)
            .await
            .map_err(|_| WebError::BodyOverCap { cap: CAP })?;
        model::parse_put_body(ct.as_deref(), &bytes)
            .map(PutJson)
            .map_err(AppError::from)
    }
}
