//! One object type: what it is, whether it can be written, and "open by id".

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use model::ObjectType;

use crate::components::open_object::OpenObject;

#[component]
pub fn TypePage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let name = params.read().get("type").unwrap_or_default();
        match ObjectType::parse(&name) {
            None => view! { <section><h1>"Unknown type"</h1><p>{format!("Conjure does not know the type '{name}'.")}</p></section> }.into_any(),
            Some(ty) => view! {
                <section>
                    <h1>{ty.label()}</h1>
                    {ty.write_refusal().map(|why| view! { <p class="notice">{why}</p> })}
                    <OpenObject fixed_type=ty/>
                </section>
            }
            .into_any(),
        }
    }
}
