//! "Open an object by id": ARI has no list call, so a type and an id is how an object is found.

use leptos::prelude::*;
use model::{ObjectId, ObjectType};

use crate::route::Route;

#[component]
pub fn OpenObject(#[prop(optional)] fixed_type: Option<ObjectType>) -> impl IntoView {
    let ty = RwSignal::new(
        fixed_type
            .unwrap_or(ObjectType::Endpoint)
            .as_str()
            .to_string(),
    );
    let id = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match ObjectId::new(id.get_untracked()) {
            Ok(id) => {
                error.set(None);
                crate::nav::navigate(&Route::Object(ty.get_untracked(), id.as_str().into()).href());
            }
            Err(e) => error.set(Some(format!("Id: {e}"))),
        }
    };
    view! {
        <form class="open-object" on:submit=open>
            <Show when=move || fixed_type.is_none()>
                <label>
                    "Type"
                    <select prop:value=move || ty.get() on:change=move |ev| ty.set(event_target_value(&ev)) data-testid="open-type">
                        // Only the types Conjure can create: this form is also how objects are made.
                        {ObjectType::ALL
                            .iter()
                            .filter(|t| t.writability() == model::Writability::Writable)
                            .map(|t| view! { <option value=t.as_str()>{t.as_str()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </Show>
            <label>
                "Id"
                <input type="text" bind:value=id placeholder="e.g. alice" data-testid="open-id"/>
            </label>
            <button type="submit" data-testid="open-submit">"Open"</button>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </form>
    }
}
