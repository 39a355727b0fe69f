//! The shell: left navigation by object type, a top bar with Asterisk's state, and the routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::account::Me;
use model::{ObjectType, Writability};

use crate::api;
use crate::components::ask::AskDialog;
use crate::components::status_bar::StatusBar;
use crate::pages::{
    account::AccountPage, audit::AuditPage, config_import::ConfigImportPage, drift::DriftPage,
    home::Home, import::ImportPage, login::Login, new_phone_user::NewPhoneUserPage,
    not_found::NotFound, object::ObjectPage, phone_users::PhoneUsersPage, servers::ServersPage,
    templates::TemplatesPage, tokens::TokensPage, type_page::TypePage, users::UsersPage,
};
use crate::route::Route;
use crate::session::Session;
use wasm_bindgen::JsCast;

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
    let me = RwSignal::new(None::<Me>);
    let checked = RwSignal::new(false);
    let session = Session(me);
    provide_context(session);
    api::on_signed_out(move || {
        if me.with_untracked(Option::is_some) {
            me.set(None)
        }
    });
    // A memo notifies only when the answer changes, so a new sign-in of the same state keeps the page.
    let signed_in = Memo::new(move |_| me.with(Option::is_some));
    crate::nav::init();
    spawn_local(async move {
        me.set(api::session().await.ok().flatten());
        checked.set(true);
        // index.html's "Loading Conjure…", shown while the wasm loaded.
        if let Some(l) = document().get_element_by_id("loading") {
            l.remove();
        }
    });
    view! {
        {move || match (checked.get(), signed_in.get()) {
            (false, _) => ().into_any(),
            (true, false) => Login().into_any(),
            (true, true) => Shell().into_any(),
        }}
    }
}

#[component]
fn Shell() -> impl IntoView {
    let compact = compact();
    let session = crate::session::use_session();
    // Below 700 px the sidebar is behind a menu button; following a link closes it again.
    let menu_open = RwSignal::new(false);
    // A new page moves the focus to its main region, as a page load would, so a screen reader reads
    // the new page and the next Tab starts at its top, not at the link that was followed.
    Effect::new(move |before: Option<String>| {
        let now = crate::nav::path();
        if before.as_ref().is_some_and(|b| *b != now) {
            menu_open.set(false);
            if let Some(m) = document().get_element_by_id("main") {
                let _ = m.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
        now
    });
    view! {
            <a href="#main" class="skip">"Skip to content"</a>
            <div class="shell" class:compact=compact class:menu-open=move || menu_open.get()>
                <Show when=move || !compact>
                <button type="button" class="menu" aria-controls="sidebar" data-testid="menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)>"Menu"</button>
                <nav class="sidebar" id="sidebar" aria-label="Panel">
                    <a href=api::url("/") class="brand">"Conjure"</a>
                    <h2>"People"</h2>
                    <ul>
                        <li>{crate::nav::link(Route::PhoneUsers.href(), "Phone users".into())}</li>
                        <Show when=move || session.sees_objects() fallback=|| view! {
                            <li>{crate::nav::link(Route::NewPhoneUser.href(), "New phone user".into())}</li>
                            <li>{crate::nav::link(Route::Import.href(), "Import a spreadsheet".into())}</li>
                        }>
                            <li>{crate::nav::link(Route::Templates.href(), "Phone templates".into())}</li>
                        </Show>
                    </ul>
                    <Show when=move || session.sees_objects()>
                    <h2>"PJSIP objects"</h2>
                    <ul>
                        {ObjectType::ALL
                            .iter()
                            .filter(|t| t.writability() != Writability::Unrenderable)
                            .map(|t| {
                                let href = Route::Type(t.as_str().into()).href();
                                view! { <li>{crate::nav::link(href, t.label().to_string())}</li> }
                            })
                            .collect_view()}
                    </ul>
                    <h2>"History"</h2>
                    <ul>
                        <li>{crate::nav::link(Route::Audit.href(), "Audit log".into())}</li>
                        <li>{crate::nav::link(Route::Drift(None).href(), "Drift".into())}</li>
                        <li>{crate::nav::link(Route::Servers.href(), "Servers".into())}</li>
                    </ul>
                    </Show>
                    <h2>"Panel"</h2>
                    <ul>
                        <Show when=move || session.is_admin()>
                            <li>{crate::nav::link(Route::Users.href(), "Users".into())}</li>
                            <li>{crate::nav::link(Route::Tokens.href(), "API tokens".into())}</li>
                            <li>{crate::nav::link(Route::ConfigImport.href(), "Import a pjsip.conf".into())}</li>
                        </Show>
                        <li>{crate::nav::link(Route::Account.href(), "Your account".into())}</li>
                    </ul>
                </nav>
                </Show>
                <div class="main">
                    <Show when=move || !compact>
                        <StatusBar/>
                    </Show>
                    <main id="main" tabindex="-1">
                        // In a portal's frame there is no sidebar and no browser toolbar at hand.
                        <Show when=move || compact>
                            <button type="button" class="link back" data-testid="back"
                                on:click=|_| { let _ = window().history().and_then(|h| h.back()); }>"← Back"</button>
                        </Show>
                        <Pages/>
                    </main>
                </div>
            </div>
            <AskDialog/>
    }
}

/// Chooses the page by the route: one type-erased match (a typed route tree was the largest single piece
/// of the bundle). The memo notifies only when the route names another page, so moving from one object
/// to another keeps the object page, which reads its type and id from the route and reloads its data.
#[component]
fn Pages() -> impl IntoView {
    let route = Memo::new_with_compare(
        move |_| Route::parse(&crate::nav::path()),
        |old, new| !matches!((old, new), (Some(a), Some(b)) if a.same_page(b)),
    );
    move || match route.get() {
        Route::Home => Home().into_any(),
        Route::Audit => AuditPage().into_any(),
        Route::Account => AccountPage().into_any(),
        Route::Users => UsersPage().into_any(),
        Route::Tokens => TokensPage().into_any(),
        Route::PhoneUsers => PhoneUsersPage().into_any(),
        Route::NewPhoneUser => NewPhoneUserPage().into_any(),
        Route::Import => ImportPage().into_any(),
        Route::Templates => TemplatesPage().into_any(),
        Route::ConfigImport => ConfigImportPage().into_any(),
        Route::Servers => ServersPage().into_any(),
        Route::Drift(server) => view! { <DriftPage server/> }.into_any(),
        Route::Type(_) => TypePage().into_any(),
        Route::Object(..) => ObjectPage().into_any(),
        Route::NotFound => NotFound().into_any(),
    }
}
