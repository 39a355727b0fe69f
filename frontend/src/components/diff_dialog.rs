//! "What will change": shown before every save, option by option; secrets masked.

use leptos::prelude::*;

use crate::form::Plan;

#[component]
pub fn DiffDialog(
    plan: Plan,
    cautions: Vec<String>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    saving: Signal<bool>,
) -> impl IntoView {
    let replace = plan.replace;
    // A modal dialog: wherever the person is on a long form, the changes open in front of them, the
    // focus moves into it (to Save), Escape cancels.
    let node = NodeRef::<leptos::html::Dialog>::new();
    node.on_load(|d| {
        let _ = d.show_modal();
    });
    view! {
        <dialog node_ref=node class="ask diff" aria-labelledby="diff-title" data-testid="diff" on:cancel=move |ev: leptos::ev::Event| {
            ev.prevent_default();
            on_cancel.run(());
        }>
            <h2 id="diff-title">"Changes to save"</h2>
            <table>
                <thead><tr><th scope="col">"Option"</th><th scope="col">"Now"</th><th scope="col">"After saving"</th></tr></thead>
                <tbody>
                    {plan.diff.into_iter().map(|d| view! {
                        <tr data-testid=format!("diff-{}", d.option)><td><code>{d.option.clone()}</code></td><td>{d.before}</td><td>{d.after}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(!cautions.is_empty()).then(|| view! {
                <div class="notice" data-testid="cautions">
                    <strong>"Before you save"</strong>
                    <ul>{cautions.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                </div>
            })}
            {replace.then(|| view! {
                <p class="notice" data-testid="replace-warning">
                    "Asterisk can only add entries to this list. To remove one, Conjure deletes the object and creates it again "
                    "with everything else unchanged; for a moment it does not exist. If Asterisk refuses the new one, the old one is put back."
                </p>
            })}
            <p class="actions">
                <button type="button" class="primary" autofocus on:click=move |_| on_confirm.run(()) disabled=move || saving.get() data-testid="confirm-save">
                    {move || if saving.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(()) data-testid="cancel-save">"Cancel"</button>
            </p>
        </dialog>
    }
}
