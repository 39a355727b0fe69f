//! The router: `/api` for the panel, `/ari/...` for scripts, `/healthz`, and the SPA for everything else,
//! all under the base path when one is set.

pub mod accounts;
pub mod api;
pub mod ari_door;
pub mod audit;
pub mod headers;
pub mod inventory;
pub mod phone_users;
pub mod session;
pub mod spa;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{Redirect, Response};
use axum::routing::{get, patch, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;
use crate::auth::guard::require_principal;

pub fn app(mut state: AppState) -> Router {
    state.index = Arc::new(spa::Index::load(
        &state.dist,
        &state.base_path,
        &state.frame_ancestors,
    ));
    let guarded = Router::new()
        .route(
            "/objects/{type}/{id}",
            get(api::get_object)
                .put(api::put_object)
                .delete(api::delete_object),
        )
        .route("/status", get(api::status))
        .route("/audit", get(audit::list))
        .route("/audit.csv", get(audit::csv))
        .route("/inventory", get(inventory::counts))
        .route("/inventory/{type}", get(inventory::list))
        .route("/inventory/{type}/{id}/adopt", post(inventory::adopt))
        .route("/session", get(session::current))
        .route("/logout", post(session::logout))
        .route("/password", post(session::change_password))
        .route("/users", get(accounts::users).post(accounts::add_user))
        .route("/users/{name}", patch(accounts::change_user))
        .route("/tokens", get(accounts::tokens).post(accounts::add_token))
        .route(
            "/tokens/{id}",
            axum::routing::delete(accounts::revoke_token),
        )
        .route(
            "/phone-users",
            get(phone_users::list).post(phone_users::create),
        )
        .route("/phone-users.csv", get(phone_users::export))
        .route(
            "/phone-users/{ext}",
            get(phone_users::get)
                .patch(phone_users::change)
                .delete(phone_users::delete),
        )
        .route("/templates", get(phone_users::list_templates))
        .route(
            "/templates/{name}",
            axum::routing::put(phone_users::save_template).delete(phone_users::delete_template),
        )
        .route("/imports", post(phone_users::start_import))
        .route("/imports/{id}", get(phone_users::progress))
        .route("/imports/{id}/events", get(phone_users::events))
        .route("/imports/{id}/cancel", post(phone_users::cancel))
        .route("/imports/{id}/results.csv", get(phone_users::results))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_principal,
        ));
    let api = guarded
        .route("/login", post(session::login))
        .fallback(api::not_found)
        // Answers about a phone system's configuration are never cached by browsers or proxies.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let base = state.base_path.clone();
    let for_index = state.clone();
    let inner = Router::new()
        .nest("/api", api)
        .route("/healthz", get(|| async { "ok" }))
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
