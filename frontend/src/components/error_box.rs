//! An error in plain words, with Conjure's hint when it has one.

use leptos::prelude::*;
use model::api::ApiError;

#[component]
pub fn ErrorBox(error: ApiError) -> impl IntoView {
    let hint = error.hint.clone();
    view! {
        <div class="error" role="alert" data-testid="error">
            <strong>{error.message}</strong>
            {hint.map(|h| view! { <p>{h}</p> })}
        </div>
    }
}
