//! The top bar: which Asterisk Conjure talks to, whether it answers, what the watcher did (restarted,
//! reconciling, restored); the demo-mode banner. It stays current by long polling: each answer asks
//! for the next change.

use leptos::prelude::*;
use model::api::Mode;

use crate::api;
use crate::session::use_session;

#[component]
pub fn StatusBar() -> impl IntoView {
    // The next question: `?wait=<seq of the last answer>`. Setting it (even to the same text, after a
    // wait that timed out) asks again. A String, not a number: a signal type the panel has already
    // costs no code on a first visit.
    let next = RwSignal::new(String::new());
    let status = LocalResource::new(move || {
        let query = next.get();
        async move {
            let s = api::status(&query).await;
            if let Ok(s) = &s {
                next.set(format!("?wait={}", s.seq));
            }
            s
        }
    });
    let session = use_session();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api::logout().await;
            session.0.set(None);
        })
    };
    view! {
        <header class="topbar">
            <span class="who">
                {move || session.0.get().map(|m| format!("{} · {}", m.user, m.role))}
                " " <button type="button" class="link" on:click=sign_out data-testid="sign-out">"Sign out"</button>
            </span>
            {move || match status.get() {
                None => view! { <span class="muted">"Checking Asterisk…"</span> }.into_any(),
                Some(Err(e)) => view! { <span class="state bad" data-testid="asterisk-state">{e.message}</span> }.into_any(),
                Some(Ok(s)) => {
                    let demo = s.mode == Mode::Demo;
                    let (class, label) = if s.reachable { ("state ok", "connected") } else { ("state bad", "unreachable") };
                    view! {
                        <span class=class data-testid="asterisk-state">{label}</span>
                        // One element for the address, the version and the watcher's line: each element
                        // costs the first visit bytes, and the panel is at its budget.
                        <span class="muted" data-testid="watch-line">{format!("{} · {} · {}", s.ari_url, s.detail, s.watch)}</span>
                        <Show when=move || demo>
                            <div class="banner" role="status" data-testid="demo-banner">
                                "Demo mode: no Asterisk is configured, so a built-in simulator answers. "
                                "Nothing you do here reaches a phone system."
                            </div>
                        </Show>
                    }
                    .into_any()
                }
            }}
        </header>
    }
}
