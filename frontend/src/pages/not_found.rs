use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section>
            <h1>"Page not found"</h1>
            <p>"There is no such page in Conjure. " {crate::nav::link("/".into(), "Go to the start page".into())}</p>
        </section>
    }
}
