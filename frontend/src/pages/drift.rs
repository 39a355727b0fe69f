//! Drift on one server: the objects Conjure manages that Asterisk lost or holds differently, and the
//! endpoints on Asterisk that Conjure does not manage. Conjure puts lost objects back by itself after a
//! restart; here a person decides about the rest, one object or the selected ones, each action asked
//! first in the panel's dialog.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::drift::{Action, DriftItem, DriftReport, DriftState, Drifted};

use crate::api;
use crate::components::ask::{Ask, ask};
use crate::components::loaded::{Loaded, shown};
use crate::route::Route;
use crate::session::use_session;
use crate::words::said;

fn state_words(s: DriftState) -> &'static str {
    match s {
        DriftState::Missing => "missing on Asterisk",
        DriftState::Different => "different on Asterisk",
        DriftState::Unmanaged => "on Asterisk, not managed by Conjure",
        DriftState::Unknown => "Asterisk did not say",
    }
}

/// The actions that make sense for an object in `state`, with the button's words.
fn actions_for(state: DriftState) -> &'static [(Action, &'static str)] {
    match state {
        DriftState::Unmanaged => &[(Action::Adopt, "Manage it (take Asterisk’s version)")],
        DriftState::Unknown => &[],
        _ => &[
            (Action::Reapply, "Put Conjure’s version back"),
            (Action::Adopt, "Keep Asterisk’s version"),
            (Action::Forget, "Stop managing it"),
        ],
    }
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::Reapply => "reapply",
        Action::Adopt => "adopt",
        Action::Forget => "forget",
    }
}

/// The question asked before `action` on `what` ("identify office", "3 objects").
fn question(action: Action, what: &str, server: &str) -> (String, String, String) {
    match action {
        Action::Reapply => (
            format!("Put Conjure’s version of {what} back?"),
            format!("{server} gets Conjure’s record again; what was changed there is overwritten."),
            "Put it back".into(),
        ),
        Action::Adopt => (
            format!("Keep Asterisk’s version of {what}?"),
            format!(
                "Conjure’s record takes what {server} holds now, and keeps it there from now on."
            ),
            "Keep Asterisk’s version".into(),
        ),
        Action::Forget => (
            format!("Stop managing {what}?"),
            format!(
                "{server} keeps what it has, but Conjure forgets it: it is not put back after a restart."
            ),
            "Stop managing".into(),
        ),
    }
}

#[component]
pub fn DriftPage(server: Option<String>) -> impl IntoView {
    let session = use_session();
    let shown_server = server
        .clone()
        .unwrap_or_else(|| model::fleet::DEFAULT_SERVER.into());
    let status = RwSignal::new(String::new());
    let done = RwSignal::new(String::new());
    let selected = RwSignal::new(Vec::<DriftItem>::new());
    // Moves on after each action and on "Compare again": the report is read anew.
    let version = RwSignal::new(0u32);
    let report = LocalResource::new({
        let server = server.clone();
        move || {
            version.track();
            let server = server.clone();
            async move { api::drift(&server).await }
        }
    });
    let act = {
        let (server, name) = (server.clone(), shown_server.clone());
        Callback::new(move |(action, items): (Action, Vec<DriftItem>)| {
            if items.is_empty() {
                return;
            }
            let what = match items.as_slice() {
                [one] => format!("{} {}", one.object_type, one.id),
                many => crate::words::count(many.len() as u64, "object"),
            };
            let (title, consequence, yes) = question(action, &what, &name);
            let server = server.clone();
            ask(Ask {
                title,
                consequence,
                preview: vec![],
                yes,
                on_yes: Callback::new(move |()| {
                    let (server, items) = (server.clone(), items.clone());
                    status.set("Working…".into());
                    done.set(String::new());
                    spawn_local(async move {
                        match api::drift_act(&server, action, items).await {
                            Ok(results) => {
                                let line = |r: &model::drift::DriftOutcome| {
                                    format!("{} {}: {}", r.object_type, r.id, r.message)
                                };
                                let failed: Vec<String> =
                                    results.iter().filter(|r| !r.ok).map(line).collect();
                                let ok: Vec<String> =
                                    results.iter().filter(|r| r.ok).map(line).collect();
                                status.try_set(failed.join("; "));
                                done.try_set(ok.join("; "));
                                selected.try_set(Vec::new());
                                version.try_update(|v| *v += 1);
                            }
                            Err(e) => {
                                status.try_set(said(&e));
                            }
                        }
                    });
                }),
            })
        })
    };
    let operator = move || session.can_edit();
    let bulk = move |action: Action| move |_| act.run((action, selected.get_untracked()));
    view! {
        <section class="drift">
            <h1>"Drift: Asterisk against Conjure’s record"</h1>
            <p><a href=api::url(&Route::Servers.href())>"All servers"</a></p>
            <p data-testid="drift-server">{format!("Server: {shown_server}")}</p>
            <p class="muted">
                "Objects Conjure manages that Asterisk lost or holds differently, and endpoints on Asterisk that Conjure "
                "does not manage. Conjure puts lost objects back by itself after a restart; here you decide about the others."
            </p>
            <p role="status" data-testid="drift-status">{move || status.get()}</p>
            <p role="status" data-testid="drift-done">{move || done.get()}</p>
            <p class="actions">
                <button type="button" data-testid="drift-refresh" on:click=move |_| {
                    done.set(String::new());
                    version.update(|v| *v += 1)
                }>"Compare again"</button>
                <Show when=operator>
                    " "
                    <button type="button" data-testid="drift-bulk-reapply" on:click=bulk(Action::Reapply)>"Put Conjure’s version back for the selected"</button>
                    " "
                    <button type="button" data-testid="drift-bulk-adopt" on:click=bulk(Action::Adopt)>"Keep Asterisk’s version for the selected"</button>
                </Show>
            </p>
            <Loaded>
                {move || Suspend::new(async move {
                    shown(report.await.map(|r| table(r, selected, act, operator())))
                })}
            </Loaded>
        </section>
    }
}

fn table(
    r: DriftReport,
    selected: RwSignal<Vec<DriftItem>>,
    act: Callback<(Action, Vec<DriftItem>)>,
    operator: bool,
) -> AnyView {
    let summary = format!(
        "{} managed objects checked: {} in sync, {} to look at.",
        r.checked,
        r.in_sync,
        r.items.len()
    );
    view! {
        <p data-testid="drift-summary">{summary}</p>
        {(!r.items.is_empty()).then(|| view! {
                        <table data-testid="drift-table">
                <thead><tr><th>"Select"</th><th>"Type"</th><th>"Id"</th><th>"State"</th><th>"Differences"</th><th>"Actions"</th></tr></thead>
                <tbody>{r.items.into_iter().map(|d| row(d, selected, act, operator)).collect_view()}</tbody>
            </table>
        })}
    }
    .into_any()
}

fn row(
    d: Drifted,
    selected: RwSignal<Vec<DriftItem>>,
    act: Callback<(Action, Vec<DriftItem>)>,
    operator: bool,
) -> impl IntoView {
    let item = DriftItem {
        object_type: d.object_type.clone(),
        id: d.id.clone(),
    };
    let key = format!("{}-{}", d.object_type, d.id);
    let toggle = {
        let item = item.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|i| *i != item);
                if on {
                    s.push(item.clone());
                }
            });
        }
    };
    let differences = if d.differences.is_empty() {
        view! { {d.message.clone()} }.into_any()
    } else {
        view! {
            <ul>{d.differences.iter().map(|x| {
                let was = if x.recorded.is_empty() { "(unset)" } else { &x.recorded };
                let now = if x.asterisk.is_empty() { "(unset)" } else { &x.asterisk };
                view! { <li>{format!("{}: {was} → {now}", x.attribute)}</li> }
            }).collect_view()}</ul>
        }
        .into_any()
    };
    let buttons = operator.then(|| {
        actions_for(d.state)
            .iter()
            .map(|&(action, label)| {
                let item = item.clone();
                view! {
                    <button type="button" data-testid=format!("drift-{}-{key}", action_name(action))
                        on:click=move |_| act.run((action, vec![item.clone()]))>{label}</button>
                    " "
                }
            })
            .collect_view()
    });
    view! {
        <tr data-testid=format!("drift-{key}")>
            <td><input type="checkbox" aria-label=format!("select {} {}", d.object_type, d.id) on:change=toggle/></td>
            <td>{d.object_type.clone()}</td>
            <td>{d.id.clone()}</td>
            <td>{state_words(d.state)}</td>
            <td>{differences}</td>
            <td class="actions">{buttons}</td>
        </tr>
    }
}
