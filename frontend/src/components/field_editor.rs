//! Attribute/value rows of one object: edit, add, remove, then save only what changed.

use leptos::prelude::*;
use model::Field;

use crate::rows::{Origin, RowState, changes};

/// One row with a signal per input, so typing re-renders nothing but that input.
#[derive(Clone)]
struct RowSig {
    key: usize,
    attribute: RwSignal<String>,
    value: RwSignal<String>,
    origin: Origin,
    removed: RwSignal<bool>,
}

impl RowSig {
    fn new(key: usize, r: RowState) -> Self {
        RowSig {
            key,
            attribute: RwSignal::new(r.attribute),
            value: RwSignal::new(r.value),
            origin: r.origin,
            removed: RwSignal::new(r.removed),
        }
    }
    fn state(&self) -> RowState {
        RowState {
            attribute: self.attribute.get_untracked(),
            value: self.value.get_untracked(),
            origin: self.origin.clone(),
            removed: self.removed.get_untracked(),
        }
    }
}

/// `on_save` gets the changed fields; `saving` disables the button while a save runs.
#[component]
pub fn FieldEditor(
    initial: Vec<RowState>,
    on_save: Callback<Vec<Field>>,
    saving: Signal<bool>,
    save_label: &'static str,
) -> impl IntoView {
    let next = StoredValue::new(initial.len());
    let rows = RwSignal::new(
        initial
            .into_iter()
            .enumerate()
            .map(|(i, r)| RowSig::new(i, r))
            .collect::<Vec<_>>(),
    );
    let errors = RwSignal::new(Vec::<(usize, String)>::new());
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| r.push(RowSig::new(key, RowState::new_row())));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = rows.get_untracked();
        let states: Vec<RowState> = list.iter().map(RowSig::state).collect();
        match changes(&states) {
            Ok(fields) => {
                errors.set(Vec::new());
                on_save.run(fields);
            }
            Err(errs) => errors.set(errs.into_iter().map(|(i, m)| (list[i].key, m)).collect()),
        }
    };
    view! {
        <form class="fields" on:submit=submit data-testid="field-editor">
            <table>
                <thead><tr><th scope="col">"Option"</th><th scope="col">"Value"</th><th></th></tr></thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.key let:row>
                        <FieldRow row=row errors=errors/>
                    </For>
                </tbody>
            </table>
            <div class="actions">
                <button type="button" on:click=add data-testid="add-row">"Add option"</button>
                <button type="submit" class="primary" disabled=move || saving.get() data-testid="save">
                    {move || if saving.get() { "Saving…" } else { save_label }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn FieldRow(row: RowSig, errors: RwSignal<Vec<(usize, String)>>) -> impl IntoView {
    let key = row.key;
    let error = move || errors.with(|e| e.iter().find(|(k, _)| *k == key).map(|(_, m)| m.clone()));
    let (attribute, value, removed) = (row.attribute, row.value, row.removed);
    let name_fixed = !matches!(row.origin, Origin::New);
    let value_input = match row.origin.clone() {
        Origin::Secret(set) => {
            let placeholder = if set { "set (hidden) - type to replace" } else { "not set" };
            view! {
                <input type="password" autocomplete="new-password" bind:value=value placeholder=placeholder
                    aria-label=move || format!("Value of {}", attribute.get()) data-testid=move || format!("secret-{}", attribute.get())/>
            }
            .into_any()
        }
        Origin::New => view! {
            <input type=move || if model::secret::is_secret(&attribute.get()) { "password" } else { "text" } bind:value=value
                aria-label=move || format!("Value of {}", attribute.get()) data-testid=move || format!("value-{}", attribute.get())/>
        }
        .into_any(),
        Origin::Existing(_) => view! {
            <input type="text" bind:value=value aria-label=move || format!("Value of {}", attribute.get())
                data-testid=move || format!("value-{}", attribute.get())/>
        }
        .into_any(),
    };
    view! {
        <tr class:removed=move || removed.get() data-testid="field-row">
            <td>
                {if name_fixed {
                    view! { <code>{move || attribute.get()}</code> }.into_any()
                } else {
                    view! { <input type="text" bind:value=attribute placeholder="option, e.g. username" aria-label="Option name" data-testid="new-attribute"/> }.into_any()
                }}
            </td>
            <td>
                {value_input}
                {move || error().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </td>
            <td>
                <button type="button" class="link" on:click=move |_| removed.update(|r| *r = !*r)
                    aria-label=move || format!("Remove {}", attribute.get())>
                    {move || if removed.get() { "Undo" } else { "Remove" }}
                </button>
            </td>
        </tr>
    }
}
