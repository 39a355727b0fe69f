//! The HTTP answer of a failed request, for both doors: a status and an [`ApiError`] body (`{"message": …}`
//! like Asterisk's, plus a hint where Conjure knows what to do about it). The domain layers have error
//! types of their own (`AuthError`, `ObjectError`, `ProvisionError`, `StoreError`, `AriError`);
//! `answer.rs` is the one place that turns each of them into an answer.

mod answer;
mod web;

pub use web::WebError;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::api::ApiError;

#[derive(Debug)]
/// A failed request's answer: its status and JSON body.
pub struct AppError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body: message, hint, field, code.
    pub body: ApiError,
    /// The rarely used parts, boxed so that every `Result<_, AppError>` stays small.
    extra: Option<Box<Extra>>,
}

#[derive(Debug, Default)]
struct Extra {
    /// Sent as `Retry-After` (throttled sign-ins).
    retry_after: Option<std::time::Duration>,
    /// What went wrong inside Conjure, for the log only: the answer says what to do, not how the
    /// database failed.
    cause: Option<String>,
}

impl AppError {
    /// Only the error table makes answers by hand; everything else says what happened in an enum.
    pub(in crate::error) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            body: ApiError::new(message),
            extra: None,
        }
    }

    /// Conjure's own fault: `message` for the person, `cause` for the log.
    pub(in crate::error) fn internal(
        message: impl Into<String>,
        cause: impl std::fmt::Display,
    ) -> Self {
        let mut e = AppError::new(StatusCode::INTERNAL_SERVER_ERROR, message);
        e.extra.get_or_insert_default().cause = Some(cause.to_string());
        e
    }

    /// Points the panel at the form field (by position) the message is about.
    pub fn field(mut self, index: usize) -> Self {
        self.body.field_index = Some(index);
        self
    }

    /// Sent with `Retry-After: wait`.
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.extra.get_or_insert_default().retry_after = Some(wait);
        self
    }

    /// The machine-readable `code` a page acts on.
    pub fn code(mut self, code: &'static str) -> Self {
        self.body.code = Some(code.into());
        self
    }

    /// Adds what the person can do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.body.hint = Some(hint.into());
        self
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            let cause = self
                .extra
                .as_ref()
                .and_then(|x| x.cause.as_deref())
                .unwrap_or_default();
            tracing::error!(status = %self.status, message = %self.body.message, cause, "request failed");
        }
        let mut resp = (self.status, axum::Json(self.body)).into_response();
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(wait) = self.extra.and_then(|x| x.retry_after) {
            resp.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(crate::auth::throttle::whole_seconds(wait)),
            );
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_internal_fault_is_answered_without_its_cause() {
        let e = AppError::internal(
            "Conjure could not read or write its own database.",
            "disk I/O error at page 4711 of /var/lib/conjure/conjure.sqlite3",
        );
        let resp = e.into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(resp.into_body(), 4096).await.unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(
            text.contains("could not read or write its own database"),
            "{text}"
        );
        assert!(
            !text.contains("4711") && !text.contains("/var/lib"),
            "{text}"
        );
    }
}
