//! One error type for both doors: a status and an [`ApiError`] body (`{"message": …}` like Asterisk's, plus a
//! hint where Conjure knows what to do about it).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::api::ApiError;
use model::{BodyError, IdError, ObjectType};

use crate::ari::{AriError, Upstream};

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
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
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            body: ApiError::new(message),
            extra: None,
        }
    }

    /// Conjure's own fault: `message` for the person, `cause` for the log.
    pub fn internal(message: impl Into<String>, cause: impl std::fmt::Display) -> Self {
        let mut e = AppError::new(StatusCode::INTERNAL_SERVER_ERROR, message);
        e.extra.get_or_insert_default().cause = Some(cause.to_string());
        e
    }

    /// Points the panel at the form field (by position) the message is about.
    pub fn field(mut self, index: usize) -> Self {
        self.body.field_index = Some(index);
        self
    }

    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.extra.get_or_insert_default().retry_after = Some(wait);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.body.hint = Some(hint.into());
        self
    }

    pub fn bad_id(e: IdError) -> Self {
        AppError::new(StatusCode::BAD_REQUEST, format!("bad object id: {e}"))
    }

    pub fn unknown_type(name: &str) -> Self {
        let known: Vec<&str> = ObjectType::ALL.iter().map(|t| t.as_str()).collect();
        AppError::new(
            StatusCode::NOT_FOUND,
            format!("objectType '{name}' not found"),
        )
        .hint(format!(
            "Conjure knows these res_pjsip types: {}",
            known.join(", ")
        ))
    }

    pub fn body(e: BodyError) -> Self {
        let status = match e {
            BodyError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::ContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut err = AppError::new(status, e.to_string());
        err.body.field_index = e.index();
        err
    }

    /// Conjure could not get an answer from Asterisk.
    pub fn ari(e: AriError) -> Self {
        let status = match e {
            AriError::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        };
        let hint = match &e {
            AriError::Unreachable { .. } => {
                "Check that Asterisk runs, that http.conf enables its HTTP server on that address, and that res_ari is loaded."
                    .to_string()
            }
            AriError::Tls { hint, .. } => hint.clone(),
            AriError::Timeout { .. } => {
                "Asterisk is slow or stuck; nothing was confirmed, so read the object again before retrying."
                    .to_string()
            }
            AriError::Closed { url, sent } => {
                let plain = url.starts_with("http://");
                let mut h = String::from(if *sent {
                    "The change may or may not have been applied: read the object again before retrying. "
                } else {
                    ""
                });
                h.push_str("Look at Asterisk's log; if it restarted, objects kept in memory are gone.");
                if plain {
                    h.push_str(" If that port has tlsenable = yes in http.conf, use https:// in --ari-url.");
                }
                h
            }
            AriError::Malformed { url, .. } => {
                let mut h = String::from(
                    "Check that --ari-url points at Asterisk's HTTP server and not at another service.",
                );
                if url.starts_with("http://") {
                    h.push_str(" If that port speaks TLS (tlsenable = yes in http.conf), use https://.");
                }
                h
            }
            AriError::TooLarge { .. } => {
                "No answer of Asterisk's config API is that large: check that --ari-url points at Asterisk."
                    .to_string()
            }
        };
        AppError::new(status, e.to_string()).hint(hint)
    }

    /// Asterisk answered with an error: keep its status and words, except where the fault is Conjure's own
    /// configuration (then 502, and never a `WWW-Authenticate` that would make a browser prompt).
    pub fn upstream(up: &Upstream, ty: ObjectType, ari_user: &str) -> Self {
        let json: serde_json::Value = serde_json::from_slice(&up.body).unwrap_or_default();
        let message = json["message"]
            .as_str()
            .or(json["error"].as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("Asterisk answered HTTP {}", up.status));
        let status = StatusCode::from_u16(up.status).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut err = match (up.status, message.as_str()) {
            (401, _) => AppError::new(StatusCode::BAD_GATEWAY, format!("Asterisk refused Conjure's ARI credentials (user '{ari_user}')"))
                .hint("Check CONJURE_ARI_USER and the ARI password against ari.conf on the Asterisk server."),
            (403, "Write access denied") => AppError::new(StatusCode::BAD_GATEWAY, format!("Conjure's ARI user '{ari_user}' is read-only"))
                .hint("Set read_only = no for that user in ari.conf, or give Conjure another user."),
            (403, m) if m.starts_with("Cannot create sorcery objects") => AppError::new(status, message.clone()).hint(format!(
                "sorcery.conf has no writable backend for {ty}. Add to sorcery.conf, section [{}]: `{ty} = astdb,dynamic_{ty}` \
                 (kept across restarts) or `{ty} = memory`, then restart Asterisk.",
                sorcery_section(ty)
            )),
            (400, m) if m.ends_with("failed field value validation") => AppError::new(status, message.clone()).hint(
                "Asterisk refused one of the values but writes the reason only to its own log; check each field, \
                 and look for the option's name in Asterisk's log.",
            ),
            (500, "Allocation failed") => AppError::new(status, message.clone()).hint(
                "Asterisk cannot copy this object to change it. Endpoints with no codecs or with set_var end up like this: \
                 delete the object and create it again.",
            ),
            _ => AppError::new(status, message.clone()),
        };
        err.body.asterisk_status = Some(up.status);
        err
    }
}

/// The sorcery.conf section that maps a type (the module that registers it).
pub fn sorcery_section(ty: ObjectType) -> &'static str {
    match ty {
        ObjectType::Identify => "res_pjsip_endpoint_identifier_ip",
        ObjectType::Registration => "res_pjsip_outbound_registration",
        ObjectType::OutboundPublish => "res_pjsip_outbound_publish",
        ObjectType::AsteriskPublication => "res_pjsip_publish_asterisk",
        ObjectType::Phoneprov => "res_pjsip_phoneprov_provider",
        ObjectType::InboundPublication | ObjectType::ResourceList => "res_pjsip_pubsub",
        ObjectType::Acl => "acl",
        _ => "res_pjsip",
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

/// Conjure's own database failed: nothing the user typed is wrong.
impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        AppError::internal("Conjure could not read or write its own database.", e)
            .hint("Conjure's data directory may be full or read-only; its log says more.")
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
