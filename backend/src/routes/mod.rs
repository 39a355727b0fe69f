//! The router: `/api` for the panel, `/ari/...` for scripts, `/healthz`, and the SPA for everything else,
//! all under the base path when one is set.

pub mod accounts;
pub mod api;
pub mod ari_door;
pub mod audit;
pub mod config_imports;
pub mod download;
pub mod drift;
pub mod guard;
pub mod headers;
pub mod imports;
pub mod inventory;
pub mod json;
pub mod phone_users;
pub mod polls;
pub mod servers;
pub mod session;
pub mod spa;
pub mod templates;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, delete, get, patch, post, put};
use model::account::Role;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

use crate::AppState;
use crate::auth::AuthError;
use crate::auth::Door;
use crate::auth::Principal;
use crate::error::AppError;
use crate::provision;
use guard::require_principal;

/// A route layer: the signed-in principal (put there by `require_principal`) must have `role`.
async fn require_role(State(role): State<Role>, req: Request, next: Next) -> Response {
    let allowed = match req.extensions().get::<Principal>() {
        Some(p) => p.require(role),
        None => Err(AuthError::NotSignedIn(Door::Panel)),
    };
    match allowed {
        Ok(()) => next.run(req).await,
        Err(e) => AppError::from(e).into_response(),
    }
}

pub fn app(mut state: AppState) -> Router {
    state.index = Arc::new(spa::Index::load(
        &state.dist,
        &state.base_path,
        &state.frame_ancestors,
    ));
    // Every signed-in role: read the configuration, the inventory and the audit log (never a secret),
    // and one's own session.
    let viewer = Router::new()
        .route("/objects/{type}/{id}", get(api::get_object))
        .route("/status", get(api::status))
        .route("/drift", get(drift::report))
        .route("/servers", get(servers::list))
        .route("/fleet", get(servers::fleet))
        .route("/audit", get(audit::list))
        .route("/audit.csv", get(audit::csv))
        .route("/inventory", get(inventory::counts))
        .route("/inventory/{type}", get(inventory::list))
        .route("/session", get(session::current))
        .route("/logout", post(session::logout))
        .route("/password", post(session::change_password))
        .route("/phone-users", get(phone_users::list))
        // With ?passwords=true for admins only, checked in the handler.
        .route("/phone-users.csv", get(phone_users::export))
        .route("/phone-users/{ext}", get(phone_users::get))
        .route("/templates", get(templates::list))
        .route("/next-extension", get(phone_users::next_extension))
        .route("/import-sample.csv", get(phone_users::import_sample))
        .route("/endpoint-states", get(phone_users::endpoint_states))
        .route("/imports/{id}", get(imports::progress))
        .route("/imports/{id}/events", get(imports::events));
    // Operators change the phone system's objects directly.
    let operator = Router::new()
        .route(
            "/objects/{type}/{id}",
            put(api::put_object).delete(api::delete_object),
        )
        .route("/objects/{type}/{id}/target", put(api::put_target))
        .route("/inventory/{type}/{id}/adopt", post(inventory::adopt))
        .route("/drift", post(drift::act))
        .route("/fleet/pending/{seq}/retry", post(servers::retry))
        .route("/fleet/pending/{seq}", delete(servers::discard))
        .route("/fleet/split/{token}/retry", post(servers::retry_split))
        .route("/fleet/split/{token}/undo", post(servers::undo_split))
        .route_layer(from_fn_with_state(Role::Operator, require_role));
    // Provisioners (and every role above) make and change phone users, one by one or by spreadsheet;
    // the objects behind a phone user are written by Conjure from the user's template, never by hand.
    let provisioner = Router::new()
        .route("/phone-users", post(phone_users::create))
        .route(
            "/phone-users/{ext}",
            patch(phone_users::change).delete(phone_users::delete),
        )
        .route("/imports/{id}/cancel", post(imports::cancel))
        // Who ran the import, or an admin: checked in the handler.
        .route("/imports/{id}/results.csv", get(imports::results))
        .merge(
            Router::new()
                .route("/imports", post(imports::start))
                .layer(DefaultBodyLimit::max(provision::import::MAX_BYTES)),
        )
        .route_layer(from_fn_with_state(Role::Provisioner, require_role));
    // Admins manage who may do what, and the templates phone users are made from.
    let admin = Router::new()
        .route("/users", get(accounts::users).post(accounts::add_user))
        .route("/users/{name}", patch(accounts::change_user))
        .route("/tokens", get(accounts::tokens).post(accounts::add_token))
        .route("/tokens/{id}", delete(accounts::revoke_token))
        .route("/servers", post(servers::add))
        .route(
            "/servers/{name}",
            patch(servers::change).delete(servers::remove),
        )
        .route(
            "/templates/{name}",
            put(templates::save).delete(templates::delete),
        )
        .route(
            "/config-imports/plan",
            post(config_imports::plan).layer(DefaultBodyLimit::max(config_imports::MAX_UPLOAD)),
        )
        .route_layer(from_fn_with_state(Role::Admin, require_role));
    let signed_in = viewer
        .merge(provisioner)
        .merge(operator)
        .merge(admin)
        .route_layer(from_fn_with_state(state.clone(), require_principal));
    let api = signed_in
        // Anyone: signing in.
        .route("/login", post(session::login))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(json::JSON_LIMIT))
        // Answers about a phone system's configuration are never cached by browsers or proxies.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let base = state.base_path.clone();
    let for_index = state.clone();
    let inner = Router::new()
        .nest("/api", api)
        // The ARI door authenticates as ARI clients do, and checks the role per method.
        .route("/ari", any(ari_door::handle))
        .route("/ari/{*path}", any(ari_door::handle))
        // The same door for one server of the fleet.
        .route("/servers/{name}/ari/{*path}", any(ari_door::handle_on))
        .route("/healthz", get(|| async { "ok" }))
        // Asterisk matches `/ARI/...` in any case; everything else is the panel.
        .fallback(dispatch)
        .with_state(state);
    let routed = if base.is_empty() {
        inner
    } else {
        let to = format!("{base}/");
        Router::new()
            .route("/", get(move || async move { Redirect::to(&to) }))
            // Nesting does not route the prefix's own trailing slash.
            .route(
                &format!("{base}/"),
                get(move |req: Request| async move {
                    spa::serve(&for_index.dist, &for_index.index, req).await
                }),
            )
            .nest(&base, inner)
    };
    routed
        // Every log line of a request carries its id (also answered as X-Request-Id, so a person can
        // quote it). The span names the path only: a query may hold ARI's ?api_key=user:password.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!("request", id, method = %req.method(), path = req.uri().path())
                })
                .on_request(())
                .on_response(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
}

/// `/ari/...` (any case, as Asterisk matches it) goes to the ARI door; everything else is the SPA.
async fn dispatch(State(st): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path.len() >= 4
        && path[..4].eq_ignore_ascii_case("/ari")
        && (path.len() == 4 || path.as_bytes()[4] == b'/')
    {
        return ari_door::handle(State(st), req).await;
    }
    spa::serve(&st.dist, &st.index, req).await
}
