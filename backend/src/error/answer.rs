//! The one table from what went wrong to what the person is told: status, message, hint, `Retry-After`.
//! Domain code says *what* happened (its error enum); only this file knows HTTP. Conjure's own faults
//! (5xx) keep their cause for the log and answer without it.

use axum::http::StatusCode;
use model::{BodyError, ObjectType};

use super::AppError;
use crate::ari::{AriError, Refusal};
use crate::auth::AuthError;
use crate::auth::Door;
use crate::fleet::error::FleetError;
use crate::objects::ObjectError;
use crate::objects::error::first_problem;
use crate::provision::{ProvisionError, import};
use crate::store::StoreError;

fn plain(status: StatusCode, e: &impl std::fmt::Display) -> AppError {
    AppError::new(status, e.to_string())
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::internal("Conjure could not read or write its own database.", e)
            .hint("Conjure's data directory may be full or read-only; its log says more.")
    }
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        use AuthError::*;
        let e = match e {
            Store(cause) => return cause.into(),
            e => e,
        };
        let status = match &e {
            WrongPassword
            | UnknownToken
            | SessionEnded(_)
            | NotSignedIn(_)
            | MalformedAuthorization => StatusCode::UNAUTHORIZED,
            Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Busy => StatusCode::SERVICE_UNAVAILABLE,
            Disabled(_) | NoAccount(_) | CrossSite | Forbidden { .. } | PasswordNotHere => {
                StatusCode::FORBIDDEN
            }
            TwoSessionCookies | HeaderTwice(_) | WrongCurrentPassword | Invalid { .. } => {
                StatusCode::BAD_REQUEST
            }
            NoSuchUser(_) | NoSuchToken(_) => StatusCode::NOT_FOUND,
            UserExists(_) | LastAdmin(_) | TokenExists(_) => StatusCode::CONFLICT,
            Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let answer = plain(status, &e);
        match e {
            WrongPassword => answer.hint(
                "Passwords are case-sensitive. After 5 wrong tries the account waits 30 seconds, then longer.",
            ),
            Throttled { wait, .. } => answer
                .hint("If you have forgotten the password, an administrator can reset it.")
                .retry_after(wait),
            Busy => answer.retry_after(std::time::Duration::from_secs(1)),
            Disabled(_) => answer.hint("Ask an administrator to enable it."),
            UnknownToken => answer.hint("An administrator can create a new one on the Tokens page."),
            NoAccount(_) => {
                answer.hint("An administrator can add a user of that name with the role you need.")
            }
            SessionEnded(_) => answer.hint("Sign in again."),
            NotSignedIn(Door::Ari) => answer.hint(
                "Use a Conjure user's name and password (Basic or ?api_key=user:password), or an API token.",
            ),
            NotSignedIn(Door::Panel) => {
                answer.hint("Sign in, or send an API token as 'Authorization: Bearer <token>'.")
            }
            TwoSessionCookies => answer
                .hint("Sign out, or clear this site's cookies in the browser, and sign in again."),
            HeaderTwice(_) => answer.hint("The portal's proxy must replace that header, not add to it."),
            CrossSite => answer.hint("Reload the panel and try again. Scripts should use an API token."),
            Forbidden { need, .. } => answer.hint(format!("Ask an administrator for the {need} role.")),
            WrongCurrentPassword | UserExists(_) | TokenExists(_) => answer.field(0),
            Invalid { field, .. } => answer.field(field),
            LastAdmin(_) => answer.hint("Make another user an admin first."),
            MalformedAuthorization | PasswordNotHere | NoSuchUser(_) | NoSuchToken(_) | Store(_) => answer,
        }
    }
}

impl From<BodyError> for AppError {
    fn from(e: BodyError) -> Self {
        let status = match e {
            BodyError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::ContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut answer = plain(status, &e);
        answer.body.field_index = e.index();
        answer
    }
}

/// Conjure could not get an answer from Asterisk.
impl From<AriError> for AppError {
    fn from(e: AriError) -> Self {
        let status = match e {
            AriError::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            AriError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
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
                let mut h = String::from(if *sent {
                    "The change may or may not have been applied: read the object again before retrying. "
                } else {
                    ""
                });
                h.push_str("Look at Asterisk's log; if it restarted, objects kept in memory are gone.");
                if url.starts_with("http://") {
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
            AriError::Busy { .. } => {
                return plain(status, &e)
                    .hint("Try again in a moment; nothing was changed.")
                    .retry_after(std::time::Duration::from_secs(1));
            }
        };
        plain(status, &e).hint(hint)
    }
}

/// Asterisk answered with an error: keep its status and words, except where the fault is Conjure's own
/// configuration (then 502, and never a `WWW-Authenticate` that would make a browser prompt).
fn refused(ty: ObjectType, r: &Refusal) -> AppError {
    let status = if r.is_conjures_setup() {
        StatusCode::BAD_GATEWAY
    } else {
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_GATEWAY)
    };
    let answer = plain(status, r);
    let mut answer = match r.hint(ty) {
        Some(hint) => answer.hint(hint),
        None => answer,
    };
    answer.body.asterisk_status = Some(r.status);
    answer
}

impl From<ObjectError> for AppError {
    fn from(e: ObjectError) -> Self {
        match e {
            ObjectError::UnknownType(_) => {
                let known: Vec<&str> = ObjectType::ALL.iter().map(|t| t.as_str()).collect();
                plain(StatusCode::NOT_FOUND, &e).hint(format!(
                    "Conjure knows these res_pjsip types: {}",
                    known.join(", ")
                ))
            }
            ObjectError::BadId(_) | ObjectError::NotReplaceable(_) => plain(StatusCode::BAD_REQUEST, &e),
            ObjectError::NotManaged(..) => plain(StatusCode::NOT_FOUND, &e),
            ObjectError::NotPushable(_) => plain(StatusCode::CONFLICT, &e),
            ObjectError::Target(_) => plain(StatusCode::BAD_REQUEST, &e).hint(
                "A target is a list of server:<name> and group:<name>; the servers page shows the names and groups.",
            ),
            ObjectError::TargetDiffers { ty, ref id, .. } => {
                let hint = format!(
                    "Change where it goes with PUT /api/objects/{ty}/{id}/target, or save it through /ari/ for its servers."
                );
                plain(StatusCode::CONFLICT, &e).hint(hint)
            }
            ObjectError::ConfirmMove { .. } => plain(StatusCode::CONFLICT, &e)
                .code("confirm-move")
                .hint("Send the same request with \"confirm\": true to move it."),
            ObjectError::NoSplit(_) => plain(StatusCode::NOT_FOUND, &e),
            ObjectError::NoServer => plain(StatusCode::SERVICE_UNAVAILABLE, &e)
                .hint("The fleet page shows each server's state and the changes waiting for it."),
            ObjectError::Body(b) => b.into(),
            ObjectError::NotWritable(_) => plain(StatusCode::FORBIDDEN, &e),
            ObjectError::Invalid(findings) => {
                let errors = findings.iter().filter(|f| f.is_error()).count();
                let mut answer = AppError::new(StatusCode::BAD_REQUEST, first_problem(&findings));
                answer = answer.hint(if errors > 1 {
                    format!("{errors} problems in all; nothing was sent to Asterisk")
                } else {
                    "Nothing was sent to Asterisk.".to_string()
                });
                answer.body.field_index = findings.iter().find(|f| f.is_error()).and_then(|f| f.index);
                answer.body.findings = findings;
                answer
            }
            ObjectError::Unanswered(a) => a.into(),
            ObjectError::Refused { ty, refusal } => refused(ty, &refusal),
            ObjectError::BadAnswer(_) | ObjectError::Garbled(_) => {
                plain(StatusCode::BAD_GATEWAY, &e)
            }
            ObjectError::NotRecorded { done, cause } => AppError::internal(
                format!("{done} on Asterisk, but Conjure could not record it."),
                cause,
            )
            .hint("Open the object again to check it; Conjure's data directory may be full or read-only."),
            ObjectError::Store(cause) => cause.into(),
            ObjectError::ReplaceFailed { failed, restored } => {
                let mut answer = AppError::from(*failed);
                let note = if restored {
                    "The previous object was put back unchanged."
                } else {
                    "Putting the previous object back failed too: it is missing on Asterisk now; create it again."
                };
                let hint = format!("{} {note}", answer.body.hint.take().unwrap_or_default());
                answer.hint(hint.trim())
            }
        }
    }
}

impl From<ProvisionError> for AppError {
    fn from(e: ProvisionError) -> Self {
        use ProvisionError::*;
        match e {
            Invalid { field, .. } => plain(StatusCode::BAD_REQUEST, &e).field(field),
            NoTemplate(_) => plain(StatusCode::BAD_REQUEST, &e).field(3),
            Taken(_) => plain(StatusCode::CONFLICT, &e)
                .hint(
                    "Choose another extension, or open the existing objects in the object browser.",
                )
                .field(0),
            Exists(_) => plain(StatusCode::CONFLICT, &e).field(0),
            NoSuchUser(_) => plain(StatusCode::NOT_FOUND, &e),
            BadTemplate(_) => plain(StatusCode::BAD_REQUEST, &e),
            TemplateInUse { .. } | TemplateNotDeletable(_) => plain(StatusCode::CONFLICT, &e),
            FileTooLarge => plain(StatusCode::PAYLOAD_TOO_LARGE, &e),
            ImportsBusy => plain(StatusCode::SERVICE_UNAVAILABLE, &e)
                .retry_after(std::time::Duration::from_secs(30)),
            NoSuchImport(_) => plain(StatusCode::NOT_FOUND, &e),
            NotYoursToCancel { .. } | NotYoursToDownload { .. } => plain(StatusCode::FORBIDDEN, &e),
            ResultsGone(_) => plain(StatusCode::GONE, &e).hint(
                "Give the users new passwords on the Phone users page if they were not handed out.",
            ),
            Unreadable {
                about_header, hint, ..
            } => {
                let answer = plain(StatusCode::BAD_REQUEST, &e);
                match (about_header, hint) {
                    (true, _) => answer.hint(import::HEADER_HINT),
                    (false, Some(h)) => answer.hint(h),
                    (false, None) => answer,
                }
            }
            TooManyRows => plain(StatusCode::PAYLOAD_TOO_LARGE, &e),
            // The step's own answer (status, hint, Asterisk's status) under a message that names the step.
            Step {
                step,
                label,
                ext,
                undo,
                failed,
            } => {
                let mut answer = AppError::from(*failed);
                answer.body.message = format!(
                    "Step {} of 3, creating the {label} {ext}, failed: {} {undo}",
                    step + 1,
                    answer.body.message
                );
                answer
            }
            DeleteStep { label, ext, failed } => {
                let mut answer = AppError::from(*failed);
                answer.body.message =
                    format!("Deleting the {label} {ext} failed: {}", answer.body.message);
                answer.hint("The objects deleted so far stay deleted; try again.")
            }
            Object(o) => o.into(),
            Store(cause) => cause.into(),
        }
    }
}

impl From<crate::static_config::ConfigImportError> for AppError {
    fn from(e: crate::static_config::ConfigImportError) -> Self {
        use crate::static_config::ConfigImportError::*;
        match e {
            Upload(asterisk_conf::UploadError::TooLarge | asterisk_conf::UploadError::TooManyFiles) => {
                plain(StatusCode::PAYLOAD_TOO_LARGE, &e)
            }
            Upload(_) => plain(StatusCode::BAD_REQUEST, &e),
            Read(_) => plain(StatusCode::BAD_REQUEST, &e).hint(
                "Asterisk would refuse to load these files as they are; mend the line named and upload them again.",
            ),
            Object(o) => o.into(),
        }
    }
}

impl From<super::WebError> for AppError {
    fn from(e: super::WebError) -> Self {
        use super::WebError::*;
        match &e {
            NotJson => plain(StatusCode::UNSUPPORTED_MEDIA_TYPE, &e),
            TooLarge(_) | BodyOverCap { .. } => plain(StatusCode::PAYLOAD_TOO_LARGE, &e),
            NotExpected(_) => plain(StatusCode::BAD_REQUEST, &e),
            SignInHere => plain(StatusCode::FORBIDDEN, &e),
            NoSuchRoute | DoorSlash { .. } => plain(StatusCode::NOT_FOUND, &e),
            TooManyWaiting(_) => plain(StatusCode::SERVICE_UNAVAILABLE, &e)
                .code("too-many-waiting")
                .hint("Close panel tabs you do not use; a script should ask without ?wait= or less often.")
                .retry_after(std::time::Duration::from_secs(5)),
            DoorMethod { hint } => {
                let a = plain(StatusCode::METHOD_NOT_ALLOWED, &e);
                match hint {
                    Some(h) => a.hint(h.clone()),
                    None => a,
                }
            }
            DoorNotFound { hint } => plain(StatusCode::NOT_FOUND, &e).hint(hint.clone()),
            DoorClass(_) => plain(StatusCode::NOT_FOUND, &e).hint(
                "Every PJSIP type lives in the config class res_pjsip, and Conjure forwards nothing else.",
            ),
        }
    }
}

impl From<FleetError> for AppError {
    fn from(e: FleetError) -> Self {
        use FleetError::*;
        match e {
            Store(cause) => cause.into(),
            Unreachable(ari) => {
                let mut a = AppError::from(ari);
                a.body.message = format!("Conjure cannot reach that server: {}", a.body.message);
                a
            }
            BadName(_) | BadGroup(_) => plain(StatusCode::BAD_REQUEST, &e),
            BadUrl(_) => plain(StatusCode::BAD_REQUEST, &e)
                .hint("Asterisk's HTTP server, e.g. http://pbx:8088, or https://pbx:8089 when http.conf has tlsenable = yes."),
            CaFile(_) => plain(StatusCode::BAD_REQUEST, &e)
                .hint("The path is read on the machine Conjure runs on: a PEM file with the certificate Asterisk's TLS is signed by."),
            Default => plain(StatusCode::CONFLICT, &e)
                .hint("Change it with Conjure's --ari-url, --ari-user and --ari-password-file, then restart Conjure."),
            Exists(_) | SameUrl(_) => plain(StatusCode::CONFLICT, &e),
            NoSuchServer(_) | NoSuchChange(_) => plain(StatusCode::NOT_FOUND, &e),
            StillTargeted(..) => plain(StatusCode::CONFLICT, &e).hint(
                "Move them to other servers first (Servers page, \"Where an object goes\"), then remove it.",
            ),
            Credentials(_) => plain(StatusCode::UNPROCESSABLE_ENTITY, &e)
                .hint("Check the user and password against ari.conf on that Asterisk server."),
            ReadOnlyUser(_) => plain(StatusCode::UNPROCESSABLE_ENTITY, &e)
                .hint("Set read_only = no for that user in ari.conf, or give Conjure another user."),
            NothingWritable(ref probe) => {
                let refused: Vec<String> = probe
                    .types
                    .iter()
                    .map(|t| format!("{}: {}", t.object_type, t.message))
                    .collect();
                plain(StatusCode::UNPROCESSABLE_ENTITY, &e).hint(format!(
                    "Conjure could not create a test object of any type ({}). Map the types to astdb or memory in \
                     that server's sorcery.conf, e.g. section [res_pjsip]: `endpoint = astdb,dynamic_endpoint`, then restart it.",
                    refused.join("; ")
                ))
            }
            NotAsterisk(_) => plain(StatusCode::BAD_GATEWAY, &e)
                .hint("Check that ari_url points at Asterisk's HTTP server and that res_ari is loaded."),
            PasswordAgain(_) => plain(StatusCode::BAD_REQUEST, &e)
                .code("password-again")
                .hint("Give ari_password with the change."),
            ConfirmSecrets { .. } => plain(StatusCode::CONFLICT, &e)
                .code("confirm-secrets")
                .hint("Send the same request with \"confirm_secrets\": true if that server is yours; the confirmation is audited."),
            Unsealable(_) => plain(StatusCode::CONFLICT, &e)
                .hint("Start Conjure with the key file it used when the server was added, or enter the password again."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ari::Upstream;

    fn refusal(status: u16, message: &str) -> ObjectError {
        let up = Upstream {
            status,
            body: format!(r#"{{"message":"{message}"}}"#).into_bytes().into(),
        };
        ObjectError::Refused {
            ty: ObjectType::Aor,
            refusal: Refusal::new(&up, "conjure"),
        }
    }

    #[test]
    fn a_failed_step_keeps_asterisks_answer_under_its_own_words() {
        let e = ProvisionError::Step {
            step: 1,
            label: "aor",
            ext: "2041".into(),
            undo: "What was created before it was removed again.".into(),
            failed: Box::new(refusal(403, "Cannot create sorcery objects of type 'aor'")),
        };
        let a = AppError::from(e);
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(a.body.asterisk_status, Some(403));
        assert!(
            a.body
                .message
                .starts_with("Step 2 of 3, creating the aor 2041, failed: Cannot create")
        );
        assert!(
            a.body
                .hint
                .unwrap()
                .contains("[res_pjsip]: `aor = astdb,dynamic_aor`")
        );
    }

    #[test]
    fn conjures_own_ari_credentials_are_a_502_without_a_browser_prompt() {
        let a = AppError::from(refusal(401, "Authentication required"));
        assert_eq!(a.status, StatusCode::BAD_GATEWAY);
        assert!(
            a.body.message.contains("user 'conjure'"),
            "{}",
            a.body.message
        );
    }

    #[test]
    fn database_words_stay_in_the_log() {
        let cause = StoreError::Files(
            "/var/lib/conjure".into(),
            std::io::Error::other("disk full at inode 99"),
        );
        for e in [
            ObjectError::Store(cause).to_string(),
            AppError::from(ProvisionError::DeleteStep {
                label: "aor",
                ext: "2041".into(),
                failed: Box::new(ObjectError::Store(StoreError::Files(
                    "/var/lib/conjure".into(),
                    std::io::Error::other("disk full at inode 99"),
                ))),
            })
            .body
            .message,
        ] {
            assert!(!e.contains("inode") && !e.contains("/var/lib"), "{e}");
        }
    }

    #[test]
    fn a_throttled_sign_in_says_when_to_come_back() {
        let a = AppError::from(AuthError::Throttled {
            scope: "this account",
            wait: std::time::Duration::from_secs(30),
        });
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            a.body.message,
            "Too many wrong passwords for this account. Wait 30 seconds and try again."
        );
        let resp = axum::response::IntoResponse::into_response(a);
        assert_eq!(resp.headers()["retry-after"], "30");
    }
}
