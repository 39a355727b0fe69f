//! How every page shows data it loads: "Loading…" until the first answer, the previous answer while a
//! newer one loads (so a list does not blink on each keystroke of a search), and an error in plain words
//! when the load fails. The children are `Suspend`s over `LocalResource`s, which only ever hold the
//! answer to their latest request: an older answer arriving late is dropped, never shown.
//!
//! A failed load is shown by [`shown`] where the page reads it, not by an `ErrorBoundary`: the boundary
//! cost 3 KB of the first visit's 260 KB budget, for the one error type the panel has.

use leptos::prelude::*;
use model::api::ApiError;

use crate::components::error_box::ErrorBox;

#[component]
pub fn Loaded(children: Children) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {children()}
        </Transition>
    }
}

/// A loaded page, or what went wrong loading it.
pub fn shown(loaded: Result<AnyView, ApiError>) -> AnyView {
    loaded.unwrap_or_else(|e| view! { <ErrorBox error=e/> }.into_any())
}
