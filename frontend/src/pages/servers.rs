//! The servers of the fleet: each one's state, the changes waiting for a server that did not answer,
//! and the changes some servers refused. Admins add, disable and remove servers; operators retry or
//! discard a waiting change, settle a refused one and move objects between servers. The page follows
//! the fleet's long poll (`/api/fleet?wait=<seq>`), so what happens elsewhere shows without a reload.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::api::ApiError;
use model::fleet::{FleetView, PendingChange, ServerPatch, ServerView, SplitChange};

use crate::api;
use crate::components::ask::{Ask, ask};
use crate::components::loaded::shown;
use crate::components::move_object::MoveObject;
use crate::components::server_form::AddServer;
use crate::route::Route;
use crate::session::use_session;
use crate::words::{per_server, said};

/// The page's status line and what an action says there: "Saving…", then its result or its error.
#[derive(Clone, Copy)]
struct Line(RwSignal<String>);

impl Line {
    fn run<F: Future<Output = Result<String, ApiError>> + 'static>(self, doing: &str, f: F) {
        self.0.set(format!("{doing}…"));
        spawn_local(async move {
            let text = f.await.unwrap_or_else(|e| said(&e));
            self.0.try_set(text);
        });
    }
}

#[component]
pub fn ServersPage() -> impl IntoView {
    let session = use_session();
    let line = Line(RwSignal::new(String::new()));
    // The fleet as last answered, kept current by a loop that asks for each next change; it ends when
    // the page is left (its signal is gone). After a failure it asks again 5 s later.
    let fleet = RwSignal::new(None::<Result<FleetView, ApiError>>);
    spawn_local(async move {
        let mut seen = None;
        loop {
            let answer = api::fleet(seen).await;
            let failed = answer.is_err();
            seen = answer.as_ref().ok().map(|v| v.seq);
            if fleet.try_set(Some(answer)).is_some() {
                return;
            }
            if failed {
                crate::act::sleep(5000).await;
            }
        }
    });
    let admin = move || session.is_admin();
    let operator = move || session.can_edit();
    view! {
        <section class="servers">
            <h1>"Servers"</h1>
            <p class="muted">
                "Every Asterisk server Conjure keeps in step. A change goes to every enabled server; one that does not "
                "answer gets it when it is back, in order. A server that restarts gets back what Conjure manages."
            </p>
            <p role="status" data-testid="fleet-status">{move || line.0.get()}</p>
            {move || match fleet.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(answer) => shown(answer.map(|v| tables(v, line, admin(), operator()))),
            }}
            <Show when=operator>
                <MoveObject/>
            </Show>
            <Show when=admin>
                <AddServer/>
            </Show>
        </section>
    }
}

fn tables(v: FleetView, line: Line, admin: bool, operator: bool) -> AnyView {
    let more = v.pending_total.saturating_sub(v.pending.len());
    view! {
                <table data-testid="fleet-servers">
            <thead><tr><th>"Server"</th><th>"ARI URL"</th><th>"Groups"</th><th>"State"</th><th>"Asterisk"</th><th>"Objects"</th><th>"Waiting"</th><th>"Actions"</th></tr></thead>
            <tbody>{v.servers.into_iter().map(|s| server_row(s, line, admin)).collect_view()}</tbody>
        </table>
        <h2>"Changes waiting for a server"</h2>
        {if v.pending.is_empty() {
            view! { <p data-testid="fleet-none">"None: every server has every change."</p> }.into_any()
        } else {
            view! {
                                <table data-testid="fleet-pending">
                    <thead><tr><th>"Server"</th><th>"Change"</th><th>"Since"</th><th>"Tries"</th><th>"Last error"</th><th>"Actions"</th></tr></thead>
                    <tbody>{v.pending.into_iter().map(|p| pending_row(p, line, operator)).collect_view()}</tbody>
                </table>
                {(more > 0).then(|| view! { <p class="muted">{format!("and {more} more, sent in order after these")}</p> })}
            }
            .into_any()
        }}
        <h2>"Changes some servers refused"</h2>
        {if v.split.is_empty() {
            view! { <p data-testid="split-none">"None: every change went everywhere it could."</p> }.into_any()
        } else {
            view! {
                                <table data-testid="fleet-split">
                    <thead><tr><th>"Change"</th><th>"Applied on"</th><th>"Refused by"</th><th>"When"</th><th>"Actions"</th></tr></thead>
                    <tbody>{v.split.into_iter().map(|c| split_row(c, line, operator)).collect_view()}</tbody>
                </table>
            }
            .into_any()
        }}
    }
    .into_any()
}

fn server_row(s: ServerView, line: Line, admin: bool) -> impl IntoView {
    let state = if s.enabled && s.up == Some(false) {
        format!("DOWN — {}", s.state)
    } else {
        s.state.clone()
    };
    let waiting = match (s.pending, s.refused) {
        (0, 0) => "0".to_string(),
        (p, 0) => format!("{p} waiting"),
        (p, r) => format!("{p} waiting, {r} refused"),
    };
    let objects = if s.objects.is_empty() {
        "none".to_string()
    } else {
        let counts: Vec<String> = s.objects.iter().map(|(t, n)| format!("{n} {t}")).collect();
        counts.join(", ")
    };
    let asterisk = if s.version.is_empty() {
        String::new()
    } else {
        format!("{}, up since {}", s.version, s.startup_time)
    };
    let drift = Route::Drift((s.name != model::fleet::DEFAULT_SERVER).then(|| s.name.clone()));
    let name = s.name.clone();
    let testid = format!("server-{name}");
    view! {
        <tr data-testid=testid>
            <td>{s.name.clone()}</td>
            <td>{s.ari_url.clone()}</td>
            <td>{s.groups.join(", ")}</td>
            <td>{state}</td>
            <td>{asterisk}</td>
            <td>{objects}</td>
            <td>{waiting}</td>
            <td class="actions">
                <a href=api::url(&drift.href())>"Drift"</a>
                {(admin && name != model::fleet::DEFAULT_SERVER).then(|| server_actions(s, line))}
            </td>
        </tr>
    }
}

fn server_actions(s: ServerView, line: Line) -> impl IntoView {
    let (name, enabled) = (s.name.clone(), s.enabled);
    let toggle = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            line.run("Saving", async move {
                let patch = ServerPatch {
                    enabled: Some(!enabled),
                    ..ServerPatch::default()
                };
                api::change_server(&name, &patch).await?;
                Ok(if enabled {
                    format!("{name} disabled: Conjure sends it nothing.")
                } else {
                    format!("{name} enabled: it is brought level now.")
                })
            })
        }
    };
    let remove = {
        let name = name.clone();
        move |_| {
            let lose = match s.pending {
                0 => String::new(),
                n => format!(" The {n} changes waiting for it will not reach it."),
            };
            let gone = name.clone();
            ask(Ask {
                title: format!("Remove {name}?"),
                consequence: format!(
                    "Stop keeping {name} ({}) in step? What Conjure put there stays on it.{lose}",
                    s.ari_url
                ),
                preview: vec![],
                yes: format!("Remove {name}"),
                on_yes: Callback::new(move |()| {
                    let gone = gone.clone();
                    line.run("Removing", async move {
                        Ok(api::remove_server(&gone).await?.message)
                    });
                }),
            })
        }
    };
    view! {
        " "
        <button type="button" data-testid=format!("toggle-{name}") on:click=toggle>
            {if enabled { "Disable" } else { "Enable" }}
        </button>
        " "
        <button type="button" class="danger" data-testid=format!("remove-{name}") on:click=remove>"Remove"</button>
    }
}

fn pending_row(p: PendingChange, line: Line, operator: bool) -> impl IntoView {
    let what = format!(
        "{} {} {} (by {})",
        if p.op == "delete" { "delete" } else { "save" },
        p.object_type,
        p.id,
        p.actor
    );
    let error = if p.refused {
        format!("refused: {}", p.last_error)
    } else {
        p.last_error.clone()
    };
    let (seq, server, refused) = (p.seq, p.server.clone(), p.refused);
    let retry = {
        let server = server.clone();
        move |_| {
            let server = server.clone();
            line.run("Retrying", async move {
                api::retry_pending(seq).await?;
                Ok(format!("Change {seq} will be sent to {server} again."))
            })
        }
    };
    let discard = {
        let server = server.clone();
        move |_| {
            ask(Ask {
                title: format!("Discard change {seq}?"),
                consequence: format!(
                    "{server} will not get it. When it restarts, Conjure still puts back what its record holds."
                ),
                preview: vec![],
                yes: "Discard".into(),
                on_yes: Callback::new(move |()| {
                    line.run("Discarding", async move {
                        api::discard_pending(seq).await?;
                        Ok(format!("Change {seq} discarded."))
                    });
                }),
            })
        }
    };
    view! {
        <tr data-testid=format!("pending-{seq}")>
            <td>{p.server}</td>
            <td>{what}</td>
            <td><crate::components::time::Time at=p.created_at/></td>
            <td data-testid=format!("attempts-{seq}")>{p.attempts}</td>
            <td>{error}</td>
            <td class="actions">{operator.then(|| view! {
                {refused.then(|| view! { <button type="button" data-testid=format!("retry-{seq}") on:click=retry.clone()>"Retry"</button> " " })}
                <button type="button" class="danger" data-testid=format!("discard-{seq}") on:click=discard>"Discard"</button>
            })}</td>
        </tr>
    }
}

fn split_row(c: SplitChange, line: Line, operator: bool) -> impl IntoView {
    let token = c.token.clone();
    let what = format!(
        "{} {} {} (by {})",
        if c.created { "made" } else { "changed" },
        c.object_type,
        c.id,
        c.actor
    );
    let undo_what = if c.created {
        format!(
            "delete {} {} from {}",
            c.object_type,
            c.id,
            c.applied.join(", ")
        )
    } else {
        format!(
            "put {} {} back as it was on {}",
            c.object_type,
            c.id,
            c.applied.join(", ")
        )
    };
    let refused = c.refused.join(", ");
    let retry = {
        let (token, refused) = (token.clone(), refused.clone());
        move |_| {
            let (token, refused) = (token.clone(), refused.clone());
            line.run("Retrying", async move {
                let r = api::settle_split(&token, false).await?;
                Ok(format!(
                    "Sent again to {refused}: {}.",
                    per_server(&r.servers)
                ))
            })
        }
    };
    let undo = {
        let token = token.clone();
        move |_| {
            let token = token.clone();
            ask(Ask {
                title: "Undo this change?".into(),
                consequence: format!("Undo this change: {undo_what}?"),
                preview: vec![],
                yes: "Undo".into(),
                on_yes: Callback::new(move |()| {
                    let token = token.clone();
                    line.run("Undoing", async move {
                        let r = api::settle_split(&token, true).await?;
                        Ok(format!("Undone: {}.", per_server(&r.servers)))
                    });
                }),
            })
        }
    };
    view! {
        <tr data-testid=format!("split-{token}")>
            <td>{what}</td>
            <td>{c.applied.join(", ")}</td>
            <td>{refused.clone()}</td>
            <td><crate::components::time::Time at=c.created_at/></td>
            <td class="actions">{operator.then(|| view! {
                <button type="button" data-testid=format!("split-retry-{token}") on:click=retry>"Retry"</button>
                " "
                <button type="button" class="danger" data-testid=format!("split-undo-{token}") on:click=undo>"Undo where applied"</button>
            })}</td>
        </tr>
    }
}
