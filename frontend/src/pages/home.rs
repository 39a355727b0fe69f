//! The start page: open any object by type and id.

use leptos::prelude::*;

use crate::components::open_object::OpenObject;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section>
            <h1>"PJSIP objects"</h1>
            <p>
                "Asterisk cannot list the objects it holds, so open one by its type and id. "
                "If it does not exist yet, you can create it."
            </p>
            <OpenObject/>
        </section>
    }
}
