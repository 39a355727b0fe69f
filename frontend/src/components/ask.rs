//! The question asked before an action that cuts a phone off or cannot be undone. One modal `<dialog>`
//! for the whole panel: the browser keeps the focus inside it, Escape cancels, and the focus returns to
//! the button that asked. Never `window.confirm()`, which a portal's sandboxed iframe may block.

use leptos::html;
use leptos::prelude::*;

#[derive(Clone)]
pub struct Ask {
    pub title: String,
    /// What will happen, in the words of the person it happens to ("Anna's phone will stop working …").
    pub consequence: String,
    /// Lines shown under the consequence (what a template change sets), if any.
    pub preview: Vec<String>,
    /// The button that goes ahead, named for the action ("Delete 2041").
    pub yes: String,
    pub on_yes: Callback<()>,
}

thread_local! {
    // The question being asked: set by `ask` from any page, and from window listeners outside any
    // component (a link followed with unsaved edits); the one dialog shows it.
    static ASKING: std::cell::Cell<Option<RwSignal<Option<Ask>>>> = const { std::cell::Cell::new(None) };
}

/// Asks; `on_yes` runs only if the person agrees. Nothing is asked before the shell shows [`AskDialog`].
pub fn ask(a: Ask) {
    if let Some(asking) = ASKING.with(|c| c.get()) {
        // try_: after a sign-out the shell, and its signal, are gone until the next sign-in.
        let _ = asking.try_set(Some(a));
    }
}

#[component]
pub fn AskDialog() -> impl IntoView {
    // Made by the shell, once per sign-in: the signal lives as long as the shell does.
    let asking = RwSignal::new(None::<Ask>);
    ASKING.with(|c| c.set(Some(asking)));
    let node = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let open = asking.with(Option::is_some);
        if let Some(d) = node.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
    view! {
        <dialog node_ref=node class="ask" aria-labelledby="ask-title" aria-describedby="ask-text" data-testid="ask"
            on:close=move |_| if asking.with_untracked(Option::is_some) { asking.set(None) }>
            {move || asking.get().map(|a| {
                let on_yes = a.on_yes;
                view! {
                    <h2 id="ask-title">{a.title}</h2>
                    <p id="ask-text" data-testid="ask-text">{a.consequence}</p>
                    {(!a.preview.is_empty()).then(|| view! {
                        <ul data-testid="ask-preview">{a.preview.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    })}
                    <p class="actions">
                        <button type="button" autofocus data-testid="ask-no" on:click=move |_| asking.set(None)>"Cancel"</button>
                        <button type="button" class="danger" data-testid="ask-yes" on:click=move |_| {
                            asking.set(None);
                            on_yes.run(());
                        }>{a.yes}</button>
                    </p>
                }
            })}
        </dialog>
    }
}
