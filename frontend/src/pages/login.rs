//! The sign-in page, shown instead of any page while nobody is signed in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::api::ApiError;

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::session::use_session;

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match api::login(user.get_untracked(), password.get_untracked()).await {
                Ok(me) => {
                    password.set(String::new());
                    session.0.set(Some(me));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login">
            <form on:submit=submit data-testid="login-form">
                <h1>"Conjure"</h1>
                <p class="muted">"Sign in to manage the phone system's configuration."</p>
                <label>"User name"
                    <input type="text" autocomplete="username" required bind:value=user data-testid="login-user"/>
                </label>
                <label>"Password"
                    <input type="password" autocomplete="current-password" required bind:value=password data-testid="login-password"/>
                </label>
                {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="primary" disabled=busy data-testid="login-submit">"Sign in"</button>
            </form>
        </main>
    }
}
