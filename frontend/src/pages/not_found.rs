use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section>
            <h1>"Page not found"</h1>
            <p>"There is no such page in Conjure. " <A href="/">"Go to the start page"</A></p>
        </section>
    }
}
