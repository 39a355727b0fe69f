//! The shell: left navigation by object type, a top bar with Asterisk's state, and the routes.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;
use model::{ObjectType, Writability};

use crate::components::status_bar::StatusBar;
use crate::pages::{
    audit::AuditPage, home::Home, not_found::NotFound, object::ObjectPage, type_page::TypePage,
};

/// `?compact` in the address the panel is opened with: no navigation or top bar, for a portal that embeds
/// one page in an iframe. Read once, so it holds while the person moves around inside the frame.
fn compact() -> bool {
    window().location().search().is_ok_and(|s| {
        s.trim_start_matches('?')
            .split('&')
            .any(|kv| kv == "compact" || kv.starts_with("compact="))
    })
}

#[component]
pub fn App() -> impl IntoView {
    let compact = compact();
    view! {
        <Router>
            <div class="shell" class:compact=compact>
                <Show when=move || !compact>
                <nav class="sidebar" aria-label="Object types">
                    <A href="/" attr:class="brand">"Conjure"</A>
                    <h2>"PJSIP objects"</h2>
                    <ul>
                        {ObjectType::ALL
                            .iter()
                            .filter(|t| t.writability() != Writability::Unrenderable)
                            .map(|t| {
                                let href = format!("/objects/{}", t.as_str());
                                view! { <li><A href=href>{t.label()}</A></li> }
                            })
                            .collect_view()}
                    </ul>
                    <h2>"History"</h2>
                    <ul>
                        <li><A href="/audit">"Audit log"</A></li>
                    </ul>
                </nav>
                </Show>
                <div class="main">
                    <Show when=move || !compact>
                        <StatusBar/>
                    </Show>
                    <main>
                        <Routes fallback=|| view! { <NotFound/> }>
                            <Route path=path!("/") view=Home/>
                            <Route path=path!("/audit") view=AuditPage/>
                            <Route path=path!("/objects/:type") view=TypePage/>
                            <Route path=path!("/objects/:type/:id") view=ObjectPage/>
                        </Routes>
                    </main>
                </div>
            </div>
        </Router>
    }
}
