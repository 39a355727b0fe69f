//! How every page shows data it loads: "Loading…" until the first answer, the previous answer while a
//! newer one loads (so a list does not blink on each keystroke of a search), and an error in plain words
//! when the load fails. The children are `Suspend`s over `LocalResource`s, which only ever hold the
//! answer to their latest request: an older answer arriving late is dropped, never shown.

use leptos::prelude::*;
use model::api::ApiError;

use crate::components::error_box::ErrorBox;

#[component]
pub fn Loaded(children: Children) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! {
                {move || errors.get().into_iter().map(|(_, e)| view! { <ErrorBox error=as_api_error(&e)/> }).collect_view()}
            }>
                {children()}
            </ErrorBoundary>
        </Transition>
    }
}

/// Conjure's answer back out of the boundary's error (any other error keeps its words).
pub fn as_api_error(e: &leptos::error::Error) -> ApiError {
    e.downcast_ref::<ApiError>()
        .cloned()
        .unwrap_or_else(|| ApiError::new(e.to_string()))
}
