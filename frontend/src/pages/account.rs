//! The signed-in user's own account: who they are, and changing their password.

use leptos::prelude::*;
use model::api::ApiError;

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::session::use_session;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    // The request and its outcome live in the action: its value is the last answer, `pending` while one
    // is on its way (a second click waits for it).
    let change = crate::act::action(|(current, new): &(String, String)| {
        let (current, new) = (current.clone(), new.clone());
        async move { api::change_password(current, new).await }
    });
    let mismatch = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let differ = new.get_untracked() != again.get_untracked();
        mismatch.set(differ);
        if !differ && !change.pending().get_untracked() {
            change.dispatch((current.get_untracked(), new.get_untracked()));
        }
    };
    // A changed password leaves the form empty.
    Effect::new(move |_| {
        if matches!(change.value().get(), Some(Ok(()))) {
            for s in [current, new, again] {
                s.set(String::new());
            }
        }
    });
    let error = move || {
        if mismatch.get() {
            return Some(ApiError::new(
                "The two new passwords differ; type the same one twice.",
            ));
        }
        change.value().get().and_then(Result::err)
    };
    let done = move || !mismatch.get() && matches!(change.value().get(), Some(Ok(())));
    view! {
        <section>
            <h1>"Your account"</h1>
            {move || session.0.get().map(|m| view! {
                <p data-testid="whoami">{format!("Signed in as {} ({}).", m.user, m.role)}</p>
            })}
            <h2>"Change your password"</h2>
            <form class="stacked-form" on:submit=submit>
                <label>"Current password" <input type="password" autocomplete="current-password" required bind:value=current data-testid="pw-current"/></label>
                <label>"New password (at least 10 characters)" <input type="password" autocomplete="new-password" required bind:value=new data-testid="pw-new"/></label>
                <label>"New password again" <input type="password" autocomplete="new-password" required bind:value=again data-testid="pw-again"/></label>
                {move || error().map(|e| view! { <ErrorBox error=e/> })}
                <Show when=done>
                    <p class="notice" role="status" data-testid="pw-changed">"Password changed. Your other sessions were signed out."</p>
                </Show>
                <button type="submit" class="primary" disabled=move || change.pending().get() data-testid="pw-submit">"Change password"</button>
            </form>
        </section>
    }
}
