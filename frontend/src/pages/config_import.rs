//! Importing an existing pjsip.conf (admins): choose the file, or a zip / tar.gz of /etc/asterisk, and
//! see the plan: what each object would do on Asterisk, the catalog's refusals by file and line, what
//! stays in the files. Nothing is pushed from this page yet.

use leptos::prelude::*;
use model::api::ApiError;
use model::config_import::{Plan, PlanAction, PlanItem};

use crate::api;
use crate::components::error_box::ErrorBox;

const ACTIONS: [(PlanAction, &str); 5] = [
    (PlanAction::Create, "new"),
    (PlanAction::Update, "to change"),
    (PlanAction::Unchanged, "as they are"),
    (PlanAction::Conflict, "on Asterisk, not managed by Conjure"),
    (PlanAction::Refused, "refused"),
];

fn word(a: PlanAction) -> &'static str {
    match a {
        PlanAction::Create => "create",
        PlanAction::Update => "update",
        PlanAction::Unchanged => "unchanged",
        PlanAction::Conflict => "conflict",
        PlanAction::Refused => "refused",
    }
}

#[component]
pub fn ConfigImportPage() -> impl IntoView {
    let file = StoredValue::new_local(None::<web_sys::File>);
    let chosen = RwSignal::new(String::new());
    let plan = RwSignal::new(None::<Plan>);
    let error = RwSignal::new(None::<ApiError>);
    // Which action the table shows; `None`: all.
    let only = RwSignal::new(None::<PlanAction>);
    let send = crate::act::action(move |f: &web_sys::File| {
        let f = f.clone();
        async move {
            match api::plan_config_import(&f).await {
                Ok(p) => {
                    plan.set(Some(p));
                    error.set(None);
                }
                Err(e) => {
                    plan.set(None);
                    error.set(Some(e));
                }
            }
        }
    });
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let f = input.files().and_then(|l| l.get(0));
        chosen.set(f.as_ref().map(|f| f.name()).unwrap_or_default());
        file.set_value(f);
        plan.set(None);
        error.set(None);
    };
    let go = move |_| {
        if let Some(f) = file.get_value() {
            send.dispatch(f);
        }
    };
    let filter = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        only.set(ACTIONS.iter().map(|(a, _)| *a).find(|a| word(*a) == v));
    };
    view! {
        <section>
            <h1>"Import a pjsip.conf"</h1>
            <p>"Choose "<code>"pjsip.conf"</code>", "<code>"pjsip_wizard.conf"</code>", or a zip or tar.gz of "
               <code>"/etc/asterisk"</code>" (so that its includes come along). Conjure reads it as Asterisk does and says what each object would do on Asterisk. Nothing is changed."</p>
            <p><label>"The file"<input type="file" accept=".conf,.zip,.gz,.tgz,text/plain" on:change=pick data-testid="cfg-file"/></label></p>
            <p class="actions">
                <button type="button" disabled=move || chosen.get().is_empty() || send.pending().get() on:click=go data-testid="cfg-plan">"Read the file"</button>
            </p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || plan.get().map(|p| {
                let count = |a: PlanAction| p.items.iter().filter(|i| i.action == a).count();
                let summary = ACTIONS
                    .iter()
                    .map(|(a, w)| format!("{} {w}", count(*a)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let items = p.items.clone();
                view! {
                    <div data-testid="cfg-report">
                        <p data-testid="cfg-summary">{format!("{} objects: {summary}.", p.items.len())}</p>
                        <p><label>"Show "
                            <select on:change=filter data-testid="cfg-filter">
                                <option value="">"every object"</option>
                                {ACTIONS.iter().map(|(a, w)| view! { <option value=word(*a)>{format!("{} ({})", w, count(*a))}</option> }).collect_view()}
                            </select>
                        </label></p>
                        <div class="table-wrap">
                        <table data-testid="cfg-items">
                            <thead><tr><th>"What"</th><th>"Object"</th><th>"Where"</th><th>"Details"</th></tr></thead>
                            <tbody>
                                {move || items.iter().filter(|i| only.get().is_none_or(|a| a == i.action)).cloned().map(row).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        <Show when={let some = !p.staying.is_empty(); move || some}>
                            <h2>"Stays in the files"</h2>
                            <ul data-testid="cfg-staying">
                                {p.staying.iter().map(|n| view! { <li><code>{n.at.clone()}</code>" "{n.message.clone()}</li> }).collect_view()}
                            </ul>
                        </Show>
                        <Show when={let some = !p.skipped.is_empty(); move || some}>
                            <h2>"Lines Asterisk skips"</h2>
                            <ul data-testid="cfg-skipped">
                                {p.skipped.iter().map(|n| view! { <li><code>{n.at.clone()}</code>" "{n.message.clone()}</li> }).collect_view()}
                            </ul>
                        </Show>
                    </div>
                }
            })}
        </section>
    }
}

fn row(i: PlanItem) -> impl IntoView {
    let details: Vec<String> = i
        .changes
        .iter()
        .map(|c| format!("{}: {} → {}", c.attribute, c.asterisk, c.file))
        .chain(i.problems.iter().cloned())
        .collect();
    view! {
        <tr data-testid=format!("cfg-{}-{}", i.object_type, i.id)>
            <td>{word(i.action)}</td>
            <td>{format!("{} {}", i.object_type, i.id)}</td>
            <td><code>{i.at}</code></td>
            <td>{details.into_iter().map(|d| view! { <div>{d}</div> }).collect_view()}</td>
        </tr>
    }
}
