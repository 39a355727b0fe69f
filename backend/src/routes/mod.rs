//! The router: `/api` for the panel, `/ari/...` for scripts, `/healthz`, and the SPA for everything else.

pub mod api;
pub mod ari_door;
pub mod audit;
pub mod headers;
pub mod inventory;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

pub fn app(mut state: AppState) -> Router {
    state.csp = HeaderValue::from_str(&headers::content_security_policy(
        &state.dist,
        &state.frame_ancestors,
    ))
    .expect("the CSP is ASCII");
    let api = Router::new()
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
        .route(
            "/inventory/{type}/{id}/adopt",
            axum::routing::post(inventory::adopt),
        )
        .fallback(api::not_found)
        // Answers about a phone system's configuration are never cached by browsers or proxies.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .nest("/api", api)
        .route("/healthz", get(|| async { "ok" }))
        .fallback(dispatch)
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
}

/// `/ari/...` (any case, as Asterisk matches it) goes to the ARI door; everything else is the SPA, whose
/// deep links fall back to index.html.
async fn dispatch(State(st): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path.len() >= 4
        && path[..4].eq_ignore_ascii_case("/ari")
        && (path.len() == 4 || path.as_bytes()[4] == b'/')
    {
        return ari_door::handle(State(st), req).await;
    }
    let index = st.dist.join("index.html");
    let mut resp = if !index.exists() {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "The panel is not built: run `cargo xtask run`, which builds it with trunk.",
        )
            .into_response()
    } else {
        let spa = ServeDir::new(&st.dist)
            .precompressed_br()
            .fallback(ServeFile::new(index));
        match spa.oneshot(req).await {
            Ok(r) => r.into_response(),
            Err(e) => match e {},
        }
    };
    // The policy matters where a browser renders or runs something: the panel's files. JSON answers of
    // the API and the ARI door go without it (it measured 20% of the door's throughput).
    resp.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, st.csp.clone());
    resp
}
