//! The signed-in user's own account: who they are, and changing their password.

use leptos::prelude::*;
use leptos::task::spawn_local;
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
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        if new.get_untracked() != again.get_untracked() {
            error.set(Some(ApiError::new(
                "The two new passwords differ; type the same one twice.",
            )));
            return;
        }
        spawn_local(async move {
            match api::change_password(current.get_untracked(), new.get_untracked()).await {
                Ok(()) => {
                    error.set(None);
                    done.set(true);
                    for s in [current, new, again] {
                        s.set(String::new());
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
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
                {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
                <Show when=move || done.get()>
                    <p class="notice" role="status" data-testid="pw-changed">"Password changed. Your other sessions were signed out."</p>
                </Show>
                <button type="submit" class="primary" data-testid="pw-submit">"Change password"</button>
            </form>
        </section>
    }
}
