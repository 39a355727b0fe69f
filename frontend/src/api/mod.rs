//! The typed client to Conjure's `/api`. The browser only ever talks to Conjure, never to Asterisk.

use std::cell::RefCell;

use gloo_net::http::{Method, RequestBuilder};
use model::account::{
    CreatedToken, Issued, Login, Me, NewToken, NewUser, PasswordChange, TokenView, UserChange,
    UserView,
};
use model::api::{ApiError, AuditEntry, InventoryPage, ListQuery, ObjectView, SortKey, Status};
use model::provision::{
    ImportCheck, ImportStarted, NewPhoneUser, PhoneSetup, PhoneUserChange, PhoneUserPage,
    PhoneUserSort, Template,
};
use model::{Field, ObjectType, id::encode_segment};
use serde::de::DeserializeOwned;

mod fleet;
pub use fleet::*;

thread_local! {
    static BASE: String = leptos::prelude::document()
        .query_selector("meta[name=conjure-base]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default();
    static CSRF: RefCell<String> = const { RefCell::new(String::new()) };
    static SIGNED_OUT: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Where the backend serves the app (`--base-path`), from the meta element it writes into index.html.
pub fn base() -> String {
    BASE.with(Clone::clone)
}

/// A URL of Conjure's own, under the base path.
pub fn url(path: &str) -> String {
    format!("{}{path}", base())
}

/// Called when the backend answers 401: the session ended, show the sign-in page.
pub fn on_signed_out(f: impl Fn() + 'static) {
    SIGNED_OUT.with(|s| *s.borrow_mut() = Some(Box::new(f)));
}

fn object_path(ty: ObjectType, id: &str) -> String {
    format!("/api/objects/{}/{}", ty.as_str(), encode_segment(id))
}

fn network(e: gloo_net::Error) -> ApiError {
    ApiError::new(format!("Conjure's server could not be reached ({e})")).with_hint(
        "Check that Conjure is running and your network connection works, then try again.",
    )
}

/// One request to the backend. Not generic, so the browser code for sending and reading is there once.
/// State-changing requests carry the session's CSRF token (any value when a portal signed us in).
/// Answers other than 2xx become the backend's `ApiError` (with `asterisk_status` for Asterisk's own).
async fn call(method: Method, path: &str, body: Option<String>) -> Result<String, ApiError> {
    call_with(
        method,
        path,
        body.map(|b| (wasm_bindgen::JsValue::from(b), "application/json")),
    )
    .await
}

/// [`call`] with any body `fetch` takes (a file as it is, so the backend sees the bytes the user chose).
async fn call_with(
    method: Method,
    path: &str,
    body: Option<(wasm_bindgen::JsValue, &str)>,
) -> Result<String, ApiError> {
    let mut req = RequestBuilder::new(&url(path)).method(method.clone());
    if method != Method::GET {
        let token = CSRF.with(|c| c.borrow().clone());
        req = req.header(
            "X-Conjure-Csrf",
            if token.is_empty() { "1" } else { &token },
        );
    }
    let sent = match body {
        Some((b, kind)) => {
            req.header("Content-Type", kind)
                .body(b)
                .map_err(network)?
                .send()
                .await
        }
        None => req.send().await,
    };
    let resp = sent.map_err(network)?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if resp.ok() {
        return Ok(text);
    }
    if status == 401 {
        SIGNED_OUT.with(|s| s.borrow().as_ref().map(|f| f()));
    }
    Err(serde_json::from_str::<ApiError>(&text).unwrap_or_else(|_| {
        ApiError::new(format!(
            "Conjure's server answered {status} {}",
            resp.status_text()
        ))
    }))
}

fn parse<T: DeserializeOwned>(text: String) -> Result<T, ApiError> {
    serde_json::from_str(&text)
        .map_err(|e| ApiError::new(format!("unexpected answer from Conjure's server: {e}")))
}

fn to_json(v: &impl serde::Serialize) -> Option<String> {
    Some(serde_json::to_string(v).expect("requests serialise"))
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(call(Method::GET, path, None).await?)
}

/// `Ok(None)` when the object does not exist on Asterisk.
pub async fn get_object(ty: ObjectType, id: &str) -> Result<Option<ObjectView>, ApiError> {
    match get(&object_path(ty, id)).await {
        Ok(v) => Ok(Some(v)),
        // A 404 from Asterisk means "no such object"; any other error is a real one.
        Err(e) if e.asterisk_status == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `replace`: delete and create again (to remove entries of identify `match` or aor `contact`).
pub async fn put_object(
    ty: ObjectType,
    id: &str,
    fields: Vec<Field>,
    replace: bool,
) -> Result<ObjectView, ApiError> {
    let mut path = object_path(ty, id);
    if replace {
        path.push_str("?replace=true");
    }
    let body = to_json(&model::api::SaveRequest { fields });
    parse(call(Method::PUT, &path, body).await?)
}

pub async fn delete_object(ty: ObjectType, id: &str) -> Result<(), ApiError> {
    call(Method::DELETE, &object_path(ty, id), None)
        .await
        .map(drop)
}

/// `query` is empty, or `?wait=<seq last seen>`: then the answer comes at the watcher's next change
/// (or after 25 s).
pub async fn status(query: &str) -> Result<Status, ApiError> {
    get(&format!("/api/status{query}")).await
}

pub async fn inventory(ty: ObjectType, q: &ListQuery) -> Result<InventoryPage, ApiError> {
    let sort = match q.sort {
        SortKey::Id => "id",
        SortKey::Updated => "updated",
    };
    get(&format!(
        "/api/inventory/{}?search={}&sort={sort}&descending={}&page={}&per_page={}",
        ty.as_str(),
        encode_segment(&q.search),
        q.descending,
        q.page,
        q.per_page
    ))
    .await
}

pub async fn adopt(ty: ObjectType, id: &str) -> Result<(), ApiError> {
    let path = format!(
        "/api/inventory/{}/{}/adopt",
        ty.as_str(),
        encode_segment(id)
    );
    call(Method::POST, &path, None).await.map(drop)
}

/// `qs` is the filters' query string.
pub async fn audit(qs: &str) -> Result<Vec<AuditEntry>, ApiError> {
    get(&format!("/api/audit?{qs}")).await
}

fn remember(me: Me) -> Me {
    CSRF.with(|c| *c.borrow_mut() = me.csrf.expose().to_string());
    me
}

/// Who is signed in; `Ok(None)` when nobody is.
pub async fn session() -> Result<Option<Me>, ApiError> {
    match get::<Me>("/api/session").await {
        Ok(me) => Ok(Some(remember(me))),
        Err(_) => Ok(None),
    }
}

pub async fn login(user: String, password: String) -> Result<Me, ApiError> {
    let body = to_json(&Login {
        user,
        password: password.into(),
    });
    parse(call(Method::POST, "/api/login", body).await?).map(remember)
}

pub async fn logout() -> Result<(), ApiError> {
    let r = call(Method::POST, "/api/logout", None).await.map(drop);
    CSRF.with(|c| c.borrow_mut().clear());
    r
}

pub async fn change_password(current: String, new: String) -> Result<(), ApiError> {
    let body = to_json(&PasswordChange {
        current: current.into(),
        new: new.into(),
    });
    call(Method::POST, "/api/password", body).await.map(drop)
}

pub async fn users() -> Result<Vec<UserView>, ApiError> {
    get("/api/users").await
}

pub async fn add_user(new: NewUser) -> Result<Issued, ApiError> {
    parse(call(Method::POST, "/api/users", to_json(&new)).await?)
}

pub async fn change_user(name: &str, change: UserChange) -> Result<Issued, ApiError> {
    let path = format!("/api/users/{}", encode_segment(name));
    parse(call(Method::PATCH, &path, to_json(&change)).await?)
}

pub async fn tokens() -> Result<Vec<TokenView>, ApiError> {
    get("/api/tokens").await
}

pub async fn add_token(new: NewToken) -> Result<CreatedToken, ApiError> {
    parse(call(Method::POST, "/api/tokens", to_json(&new)).await?)
}

pub async fn revoke_token(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/tokens/{id}"), None)
        .await
        .map(drop)
}

/// One page (from 1) of the phone users that match `search`, in `sort` order.
pub async fn phone_users(
    search: &str,
    sort: PhoneUserSort,
    descending: bool,
    page: u32,
) -> Result<PhoneUserPage, ApiError> {
    get(&format!(
        "/api/phone-users?search={}&sort={}&descending={descending}&page={page}",
        encode_segment(search),
        sort.as_str()
    ))
    .await
}

/// Whether each endpoint Asterisk knows has a phone registered: extension → "online" or "offline".
pub async fn endpoint_states() -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    get("/api/endpoint-states").await
}

/// The lowest extension no phone user or endpoint has yet, if there is one.
pub async fn next_extension() -> Result<Option<String>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Next {
        extension: Option<String>,
    }
    get::<Next>("/api/next-extension")
        .await
        .map(|n| n.extension)
}

pub async fn create_phone_user(new: &NewPhoneUser) -> Result<PhoneSetup, ApiError> {
    parse(call(Method::POST, "/api/phone-users", to_json(new)).await?)
}

pub async fn change_phone_user(
    ext: &str,
    change: &PhoneUserChange,
) -> Result<PhoneSetup, ApiError> {
    let path = format!("/api/phone-users/{}", encode_segment(ext));
    parse(call(Method::PATCH, &path, to_json(change)).await?)
}

pub async fn delete_phone_user(ext: &str) -> Result<(), ApiError> {
    let path = format!("/api/phone-users/{}", encode_segment(ext));
    call(Method::DELETE, &path, None).await.map(drop)
}

pub async fn templates() -> Result<Vec<Template>, ApiError> {
    get("/api/templates").await
}

pub async fn save_template(t: &Template) -> Result<Template, ApiError> {
    let path = format!("/api/templates/{}", encode_segment(&t.name));
    parse(call(Method::PUT, &path, to_json(t)).await?)
}

/// Sends the file for a dry run.
pub async fn check_import(file: &web_sys::File) -> Result<ImportCheck, ApiError> {
    parse(
        call_with(
            Method::POST,
            "/api/imports?dry_run=true",
            Some((wasm_bindgen::JsValue::from(file.clone()), "text/csv")),
        )
        .await?,
    )
}

pub async fn start_import(file: &web_sys::File) -> Result<ImportStarted, ApiError> {
    parse(
        call_with(
            Method::POST,
            "/api/imports",
            Some((wasm_bindgen::JsValue::from(file.clone()), "text/csv")),
        )
        .await?,
    )
}

pub async fn cancel_import(id: u64) -> Result<(), ApiError> {
    call(Method::POST, &format!("/api/imports/{id}/cancel"), None)
        .await
        .map(drop)
}

/// What a static configuration (one file, or a zip / tar.gz of the folder) would do on Asterisk.
pub async fn plan_config_import(
    file: &web_sys::File,
) -> Result<model::config_import::Plan, ApiError> {
    let name = encode_segment(&file.name());
    parse(
        call_with(
            Method::POST,
            &format!("/api/config-imports/plan?name={name}"),
            Some((
                wasm_bindgen::JsValue::from(file.clone()),
                "application/octet-stream",
            )),
        )
        .await?,
    )
}
