//! Importing phone users from a spreadsheet: choose the file, see every problem by line and column
//! (nothing is changed), then import with a live progress bar, cancel, and download each row's result.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::api::ApiError;
use model::provision::{ImportCheck, ImportProgress};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::api;
use crate::components::error_box::ErrorBox;

/// Follows an import's server-sent events until it finishes.
fn follow(id: u64, progress: RwSignal<Option<ImportProgress>>) {
    let Ok(source) = web_sys::EventSource::new(&api::url(&format!("/api/imports/{id}/events")))
    else {
        return;
    };
    let es = source.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
            let Some(p) = m
                .data()
                .as_string()
                .and_then(|d| serde_json::from_str::<ImportProgress>(&d).ok())
            else {
                return;
            };
            if p.finished {
                es.close();
            }
            progress.set(Some(p));
        });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The source lives as long as the page's import; the callback with it.
    on_message.forget();
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let file = StoredValue::new_local(None::<web_sys::File>);
    let chosen = RwSignal::new(String::new());
    let check = RwSignal::new(None::<ImportCheck>);
    let error = RwSignal::new(None::<ApiError>);
    let progress = RwSignal::new(None::<ImportProgress>);
    // Checking the file and starting the import; what they find goes to the report and the progress.
    // `true`: import; `false`: only check.
    let send = crate::act::action(move |(f, import): &(web_sys::File, bool)| {
        let (f, import) = (f.clone(), *import);
        async move {
            let sent = if import {
                api::start_import(&f).await.map(|s| {
                    progress.set(Some(s.progress.clone()));
                    follow(s.progress.id, progress);
                })
            } else {
                api::check_import(&f).await.map(|c| check.set(Some(c)))
            };
            error.set(sent.err());
        }
    });
    let busy = move || send.pending().get();
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let f = input.files().and_then(|l| l.get(0));
        chosen.set(f.as_ref().map(|f| f.name()).unwrap_or_default());
        file.set_value(f);
        check.set(None);
        progress.set(None);
        error.set(None);
    };
    let dry_run = move |_| {
        if let Some(f) = file.get_value() {
            send.dispatch((f, false));
        }
    };
    let apply = move |_| {
        if let Some(f) = file.get_value() {
            send.dispatch((f, true));
        }
    };
    let cancel = move |_| {
        if let Some(p) = progress.get_untracked() {
            spawn_local(async move {
                if let Err(e) = api::cancel_import(p.id).await {
                    error.set(Some(e));
                }
            });
        }
    };
    view! {
        <section>
            <h1>"Import phone users"</h1>
            <p>"A spreadsheet saved as CSV, one person per row. The first line names the columns: "
               <code>"extension"</code>" and "<code>"name"</code>", optionally "<code>"password"</code>" (empty: generated), "
               <code>"template"</code>" and "<code>"voicemail"</code>", in any order, separated by commas or semicolons. "
               <a href=api::url("/api/import-sample.csv") download="phone-users-sample.csv" data-testid="import-sample">"Download a sample file"</a>
               " to fill in."</p>
            <p><label>"The spreadsheet, saved as CSV"<input type="file" accept=".csv,text/csv,text/plain" on:change=pick data-testid="import-file"/></label></p>
            <p class="actions">
                <button type="button" disabled=move || chosen.get().is_empty() || busy() on:click=dry_run data-testid="import-check">"Check the file"</button>
            </p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || check.get().map(|c| {
                let ready = c.ready;
                view! {
                    <div data-testid="import-report">
                        <p>{format!("{} rows: {} ready to import, {} done by an earlier import, {} with problems.", c.rows, c.ready, c.done_before, c.errors.len())}</p>
                        {c.notes.into_iter().map(|n| view! { <p class="muted">{n}</p> }).collect_view()}
                        <Show when={let some = !c.errors.is_empty(); move || some}>
                            <table data-testid="import-errors">
                                <thead><tr><th>"Line"</th><th>"Column"</th><th>"Problem"</th></tr></thead>
                                <tbody>
                                    {c.errors.iter().map(|e| view! {
                                        <tr><td>{e.line}</td><td>{e.column.clone().unwrap_or_default()}</td><td>{e.message.clone()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p class="muted">"Rows with problems are left out; fix them and import the file again later: rows already done are skipped."</p>
                        </Show>
                        <Show when=move || { ready > 0 && progress.get().is_none() }>
                            <button type="button" class="primary" disabled=busy on:click=apply data-testid="import-apply">{format!("Import {ready} phone users")}</button>
                        </Show>
                    </div>
                }
            })}
            {move || progress.get().map(|p| {
                let pct = (p.processed() * 100).checked_div(p.total).unwrap_or(100);
                let status = if p.cancelled {
                    "Cancelled: the rows not started were left out."
                } else if p.finished {
                    "Finished."
                } else {
                    "Importing…"
                };
                view! {
                    <div class="import-progress" data-testid="import-progress">
                        <progress max=p.total.max(1) value=p.processed() data-testid="import-bar"></progress>
                        <p data-testid="import-status">{format!("{status} {pct}% · {} created, {} skipped, {} failed, {} not imported of {}", p.created, p.skipped, p.failed, p.not_imported, p.total)}</p>
                        <p class="actions">
                            <Show when=move || !p.finished>
                                <button type="button" class="danger" on:click=cancel data-testid="import-cancel">"Cancel"</button>
                            </Show>
                            <a class="button" href=api::url(&format!("/api/imports/{}/results.csv", p.id)) download="import-results.csv" data-testid="import-results">"Download the result of each row"</a>
                            <a class="button" href=api::url("/phone-users?sort=created") data-testid="import-users">"See the phone users, newest first"</a>
                        </p>
                        <p class="notice">"The results file holds every new phone's password: keep it safe, and delete it once the phones are set up."</p>
                    </div>
                }
            })}
        </section>
    }
}
