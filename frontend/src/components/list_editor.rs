//! Entries of an option that Asterisk accumulates (identify `match`, aor `contact`): adding appends, removing
//! means deleting and creating the object again, which the diff dialog says before it happens.

use leptos::prelude::*;
use model::ObjectType;
use model::validate::check_value;

#[component]
pub fn ListEditor(
    object_type: ObjectType,
    name: &'static str,
    entries: RwSignal<Vec<String>>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let add = move |_| {
        let v = draft.get_untracked().trim().to_string();
        if v.is_empty() {
            return;
        }
        match check_value(object_type, name, &v) {
            Err(e) => problem.set(Some(e)),
            Ok(_) => {
                problem.set(None);
                entries.update(|l| {
                    if !l.contains(&v) {
                        l.push(v)
                    }
                });
                draft.set(String::new());
            }
        }
    };
    view! {
        <div class="list-editor">
            <ul>
                {move || entries.get().into_iter().enumerate().map(|(i, e)| {
                    let gone = e.clone();
                    view! {
                        <li data-testid=format!("list-{name}-{i}")>
                            <code>{e}</code>
                            <button type="button" class="link" on:click=move |_| entries.update(|l| l.retain(|x| *x != gone))
                                data-testid=format!("list-remove-{name}-{i}")>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <input type="text" bind:value=draft aria-label=format!("New {name}") data-testid=format!("list-add-{name}")/>
            <button type="button" on:click=add data-testid=format!("list-add-button-{name}")>"Add"</button>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </div>
    }
}
