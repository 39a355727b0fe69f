//! The top bar: which Asterisk Conjure talks to and whether it answers; the demo-mode banner.

use leptos::prelude::*;
use model::api::Mode;

use crate::api;
use crate::session::use_session;

#[component]
pub fn StatusBar() -> impl IntoView {
    let status = LocalResource::new(api::status);
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
                        <span class="muted">{format!("{} · {}", s.ari_url, s.detail)}</span>
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
