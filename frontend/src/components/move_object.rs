//! Where a managed object goes (operators): every server, unless its target names servers
//! (`server:b`) or groups (`group:site-berlin`). A move off servers deletes it there, so the backend
//! refuses it with code `confirm-move` until the person agrees in the dialog.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::fleet::{Moved, NewTarget};

use crate::api;
use crate::components::ask::{Ask, ask};
use crate::words::{per_server, said};

fn everywhere(target: &[String]) -> String {
    if target.is_empty() {
        "every server".into()
    } else {
        target.join(", ")
    }
}

#[component]
pub fn MoveObject() -> impl IntoView {
    let ty = RwSignal::new(String::new());
    let id = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let now = RwSignal::new(String::new());
    let which = move || {
        (
            ty.get_untracked().trim().to_string(),
            id.get_untracked().trim().to_string(),
        )
    };
    let look = move |_| {
        let (ty, id) = which();
        spawn_local(async move {
            now.set(match api::placement(&ty, &id).await {
                Ok(p) => {
                    let from = p
                        .read_from
                        .map(|s| format!("; read from {s}"))
                        .unwrap_or_default();
                    format!(
                        "It goes to {}{from}.",
                        everywhere(&p.target.unwrap_or_default())
                    )
                }
                Err(e) => said(&e),
            })
        });
    };
    let moved = move |m: Moved| {
        let done = per_server(&m.servers);
        let done = if done.is_empty() {
            ".".to_string()
        } else {
            format!("; {done}.")
        };
        now.set(format!("Now it goes to {}{done}", everywhere(&m.target)));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (ty, id) = which();
        let t = NewTarget {
            target: target
                .get_untracked()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            confirm: false,
        };
        spawn_local(async move {
            match api::move_object(&ty, &id, &t).await {
                Ok(m) => moved(m),
                Err(e) if e.code.as_deref() == Some("confirm-move") => ask(Ask {
                    title: format!("Move {ty} {id}?"),
                    consequence: format!("{}. Move it?", e.message.trim_end_matches('.')),
                    preview: vec![],
                    yes: "Move".into(),
                    on_yes: Callback::new(move |()| {
                        let (ty, id) = (ty.clone(), id.clone());
                        let t = NewTarget {
                            confirm: true,
                            ..t.clone()
                        };
                        spawn_local(async move {
                            match api::move_object(&ty, &id, &t).await {
                                Ok(m) => moved(m),
                                Err(e) => now.set(said(&e)),
                            }
                        });
                    }),
                }),
                Err(e) => now.set(said(&e)),
            }
        });
    };
    view! {
        <h2>"Where an object goes"</h2>
        <p class="muted">
            "Every server, unless its target names servers (" <code>"server:b"</code> ") or groups ("
            <code>"group:site-berlin"</code> "). Moving an object pushes it where it arrives and deletes it where it leaves."
        </p>
        <form class="stacked-form" on:submit=submit data-testid="move-form">
            <label>"Type" <input required placeholder="endpoint" bind:value=ty data-testid="move-type"/></label>
            <label>"Id" <input required placeholder="2041" bind:value=id data-testid="move-id"/></label>
            <p><button type="button" on:click=look data-testid="move-look">"Look up"</button></p>
            <p role="status" data-testid="move-now">{move || now.get()}</p>
            <label>"New target (empty: every server)" <input placeholder="group:site-berlin, server:b" bind:value=target
                // A field emptied without typing (a form filler, WebDriver) sends only `change`.
                on:change=move |ev| target.set(event_target_value(&ev)) data-testid="move-target"/></label>
            <p><button type="submit" class="primary" data-testid="move-submit">"Move"</button></p>
        </form>
    }
}
