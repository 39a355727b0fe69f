//! The sign-in page, shown instead of any page while nobody is signed in.

use leptos::prelude::*;

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::session::use_session;

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sign_in = crate::act::action(move |(user, given): &(String, String)| {
        let answer = api::login(user.clone(), given.clone());
        async move {
            let me = answer.await?;
            password.set(String::new());
            session.0.set(Some(me));
            Ok::<_, model::api::ApiError>(())
        }
    });
    let error = move || sign_in.value().get().and_then(Result::err);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch((user.get_untracked(), password.get_untracked()));
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
                {move || error().map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="primary" disabled=move || sign_in.pending().get() data-testid="login-submit">"Sign in"</button>
            </form>
        </main>
    }
}
