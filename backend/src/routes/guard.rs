//! Reading credentials off a request, the middleware that demands them on `/api`, protection against
//! cross-site requests, and the session cookie.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use crate::secret::ExposeSecret;

use crate::AppState;
use crate::auth::{Auth, AuthError, Door, Principal};
use crate::error::AppError;

pub const COOKIE: &str = "conjure_session";
/// The panel sends its session's CSRF token in this header on every state-changing request. A page on
/// another site cannot: custom headers need a CORS preflight that Conjure never grants.
pub const CSRF_HEADER: &str = "x-conjure-csrf";

/// The peer of the connection, IPv4-mapped IPv6 (`::ffff:10.0.0.5`, as a dual-stack listener reports
/// IPv4 clients) folded to IPv4 so it compares equal to the configured address.
fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_canonical())
}

fn from_trusted_proxy(auth: &Auth, parts: &Parts) -> bool {
    peer(parts).is_some_and(|p| auth.settings().is_trusted_proxy(p))
}

/// The client's address: the peer, or, behind trusted proxies, the rightmost `X-Forwarded-For` entry
/// that is not one of them. Entries left of it were written by the client itself and prove nothing.
pub fn client_address(auth: &Auth, parts: &Parts) -> String {
    let Some(peer) = peer(parts) else {
        return String::new();
    };
    let mut client = peer;
    if !auth.settings().is_trusted_proxy(peer) {
        if parts.headers.contains_key("x-forwarded-for") {
            warn_untrusted_forward(peer);
        }
    } else {
        let hops: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            // Something a proxy did not write: stop at the last address that is known.
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = ip.to_canonical();
            if !auth.settings().is_trusted_proxy(client) {
                break;
            }
        }
    }
    client.to_string()
}

/// When Conjure last warned of forwarded-for headers from a peer it does not trust, and how many came
/// since. Behind such a proxy every user shares its address, so one guesser locks them all out.
static UNTRUSTED_FORWARD: std::sync::Mutex<Option<(std::time::Instant, u64)>> =
    std::sync::Mutex::new(None);

/// Warns at the first such request after start and then at most every ten minutes while they go on.
fn warn_untrusted_forward(peer: IpAddr) {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(600);
    let mut last = UNTRUSTED_FORWARD.lock().unwrap_or_else(|p| p.into_inner());
    let now = std::time::Instant::now();
    let since = match *last {
        Some((at, n)) if now.duration_since(at) < EVERY => {
            *last = Some((at, n + 1));
            return;
        }
        Some((_, n)) => n,
        None => 0,
    };
    *last = Some((now, 0));
    drop(last);
    tracing::warn!(
        %peer,
        since_last_warning = since,
        "requests from {peer} carry X-Forwarded-For, but {peer} is not a --trusted-proxy: Conjure takes \
         {peer} itself as the client's address, so all users behind it share one sign-in throttle. Add \
         --trusted-proxy {peer} if it is your reverse proxy"
    );
}

/// Whether Conjure marks its cookies `Secure` for this request: always with `--secure-cookies`, or when a
/// trusted proxy says the browser spoke HTTPS to it.
fn https(auth: &Auth, parts: &Parts) -> bool {
    auth.settings().secure_cookies
        || (from_trusted_proxy(auth, parts)
            && parts
                .headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")))
}

/// A cookie's names, prefixed first: `__Host-`, `__Secure-`, then plain.
const SESSION_NAMES: [&str; 3] = ["__Host-conjure_session", "__Secure-conjure_session", COOKIE];
const DEVICE_NAMES: [&str; 3] = [
    "__Host-conjure_device",
    "__Secure-conjure_device",
    crate::auth::device::COOKIE,
];

/// The names a cookie may arrive under for this request: only the prefixed ones when Conjure sets it
/// `Secure`, since a plain one could have been planted over HTTP by anyone on the path.
fn accepted_names<'n>(
    auth: &Auth,
    parts: &Parts,
    names: &'n [&'static str; 3],
) -> &'n [&'static str] {
    if https(auth, parts) {
        &names[..2]
    } else {
        names
    }
}

fn cookies_named<'a>(parts: &'a Parts, names: &[&str]) -> Vec<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(|c| names.contains(&c.name()))
        .filter_map(|c| c.value_raw())
        .collect()
}

/// The session cookie's value. Two of them (a cookie planted by a sibling site, or one for another path)
/// are refused rather than guessed between.
fn session_cookie_value<'a>(auth: &Auth, parts: &'a Parts) -> Result<Option<&'a str>, AuthError> {
    let found = cookies_named(parts, accepted_names(auth, parts, &SESSION_NAMES));
    match found[..] {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(AuthError::TwoSessionCookies),
    }
}

/// The device cookies this browser sent (normally one; each is checked, none is trusted unchecked).
pub fn device_cookie_values<'a>(auth: &Auth, parts: &'a Parts) -> Vec<&'a str> {
    cookies_named(parts, accepted_names(auth, parts, &DEVICE_NAMES))
}

fn unsafe_method(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Who sent this request, by the credentials `door` accepts.
pub async fn authenticate(auth: &Auth, parts: &Parts, door: Door) -> Result<Principal, AuthError> {
    let address = client_address(auth, parts);
    // A browser marks what a page on another site makes it send. Scripts send no such header, so
    // refusing it costs them nothing, and no credential a browser attaches by itself (a cookie, remembered
    // Basic credentials, a portal's header) can then be used from another site.
    let changes = unsafe_method(&parts.method);
    let browser_cross_site = parts
        .headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    if changes && browser_cross_site {
        return Err(AuthError::CrossSite);
    }
    if let Some(h) = parts.headers.get(header::AUTHORIZATION) {
        let h = h.to_str().unwrap_or_default();
        if let Some(token) = h.strip_prefix("Bearer ") {
            return auth.token(token.trim(), &address);
        }
        let pair = h
            .strip_prefix("Basic ")
            .and_then(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .ok()
            })
            .and_then(|b| String::from_utf8(b).ok());
        let Some((user, password)) = pair.as_deref().and_then(|p| p.split_once(':')) else {
            return Err(AuthError::MalformedAuthorization);
        };
        return auth.basic(user, password, &address).await;
    }
    if door == Door::Ari {
        let key = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("api_key=")))
            .and_then(|k| String::from_utf8(model::id::decode_legacy(k)).ok());
        return match key.as_deref().and_then(|k| k.split_once(':')) {
            Some((user, password)) => auth.basic(user, password, &address).await,
            None => Err(AuthError::NotSignedIn(door)),
        };
    }
    if let Some(name) = &auth.settings().trusted_user_header
        && parts.headers.contains_key(name)
        && from_trusted_proxy(auth, parts)
    {
        let mut values = parts.headers.get_all(name).iter();
        let (Some(user), None) = (values.next(), values.next()) else {
            return Err(AuthError::HeaderTwice(name.to_string()));
        };
        // The portal's proxy signs its own users in; only the custom header proves the request was
        // written by the panel's script and not by a form on another site.
        if changes && !parts.headers.contains_key(CSRF_HEADER) {
            return Err(AuthError::CrossSite);
        }
        return auth.trusted(user.to_str().unwrap_or_default(), &address);
    }
    let Some(id) = session_cookie_value(auth, parts)? else {
        return Err(AuthError::NotSignedIn(door));
    };
    let principal = auth.session(id, &address)?;
    let csrf = principal
        .session
        .as_ref()
        .map_or("", |s| s.csrf.expose_secret());
    if changes {
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        // Constant time, so timing does not reveal the token.
        if !bool::from(sent.ct_eq(csrf.as_bytes())) {
            return Err(AuthError::CrossSite);
        }
    }
    Ok(principal)
}

/// Middleware for `/api`: no principal, no answer.
pub async fn require_principal(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match authenticate(&st.auth, &parts, Door::Panel).await {
        Ok(p) => {
            parts.extensions.insert(p);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| AuthError::NotSignedIn(Door::Panel).into())
    }
}

/// `Set-Cookie` for a new session, or (with `None`) one that removes it. A `Secure` cookie gets a name
/// prefix browsers enforce: `__Host-` (only this host, `Path=/`, no `Domain`) at the root, `__Secure-`
/// under a base path, where `Path=/` would hand the session to every other app behind the same portal.
pub fn session_cookie(auth: &Auth, parts: &Parts, id: Option<&str>) -> HeaderValue {
    let age = id.map_or(0, |_| auth.settings().absolute.as_secs() as i64);
    cookie(auth, parts, COOKIE, id.unwrap_or_default(), age)
}

/// `Set-Cookie` for a browser's device cookie (see `auth::device`).
pub fn device_cookie(auth: &Auth, parts: &Parts, value: &str) -> HeaderValue {
    let age = crate::auth::device::MAX_AGE_DAYS * 24 * 3600;
    cookie(auth, parts, crate::auth::device::COOKIE, value, age)
}

fn cookie(auth: &Auth, parts: &Parts, base: &str, value: &str, age: i64) -> HeaderValue {
    let s = auth.settings();
    let https = https(auth, parts);
    let name = match (https, s.cookie_path == "/") {
        (false, _) => base.to_string(),
        (true, true) => format!("__Host-{base}"),
        (true, false) => format!("__Secure-{base}"),
    };
    let cookie = Cookie::build((name, value))
        .path(s.cookie_path.as_str())
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(age))
        .secure(https)
        .build();
    HeaderValue::from_str(&cookie.to_string())
        .expect("cookie values are URL-safe base64 and the path is checked at start")
}
