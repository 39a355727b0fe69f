//! Moving between pages without reloading: the path is a signal, links inside the panel are followed with
//! the History API, and Back/Forward update the signal. A router crate did this before at about 10 KB of
//! the bundle's 250 KB budget; the panel needs only this much of it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;

thread_local! {
    // Reference-counted, not owned by whichever reactive scope first touches it: an arena signal created
    // inside a page's effect would be disposed with that page.
    static PATH: ArcRwSignal<String> = ArcRwSignal::new(current());
    // Edits on the page that are not saved (a long form's count): leaving asks first.
    static UNSAVED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many edits the shown page holds unsaved; a form sets it as the person edits, 0 when saved.
pub fn set_unsaved(n: usize) {
    UNSAVED.with(|u| u.set(n));
}

/// The address's path below the base path (still percent-encoded), e.g. `/objects/endpoint/2041`.
fn current() -> String {
    let full = window().location().pathname().unwrap_or_default();
    let base = api::base();
    let rest = full.strip_prefix(base.as_str()).unwrap_or(&full);
    if rest.is_empty() {
        "/".into()
    } else {
        rest.to_string()
    }
}

/// The current path, tracked.
pub fn path() -> String {
    PATH.with(|p| p.get())
}

/// Shows `to` (a path below the base path, with an optional query).
pub fn navigate(to: &str) {
    set_unsaved(0);
    if let Ok(h) = window().history() {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&api::url(to)));
    }
    PATH.with(|p| p.set(current()));
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

/// Follows clicks on the panel's own links and Back/Forward. Called once at start.
pub fn init() {
    window_event_listener(leptos::ev::popstate, |_| {
        let n = UNSAVED.with(|u| u.get());
        if n == 0 {
            return PATH.with(|p| p.set(current()));
        }
        // Back or Forward with unsaved edits: the page stays (its address put back) and asks first.
        let here = PATH.with(|p| p.get_untracked());
        if let Ok(h) = window().history() {
            let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&api::url(&here)));
        }
        ask_to_leave(n, || {
            if let Ok(h) = window().history() {
                let _ = h.back();
            }
        });
    });
    window_event_listener(leptos::ev::click, |ev| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let anchor = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a").ok().flatten());
        let Some(a) = anchor else { return };
        if a.has_attribute("download") || a.has_attribute("target") {
            return;
        }
        let href = a.get_attribute("href").unwrap_or_default();
        let base = api::base();
        let Some(inner) = href
            .strip_prefix(base.as_str())
            .filter(|r| r.starts_with('/'))
        else {
            return;
        };
        // The API and the ARI door are not pages.
        if inner.starts_with("/api/") || inner.starts_with("/ari/") {
            return;
        }
        ev.prevent_default();
        let n = UNSAVED.with(|u| u.get());
        if n == 0 {
            return navigate(inner);
        }
        let to = inner.to_string();
        ask_to_leave(n, move || navigate(&to));
    });
    // Closing the tab or reloading: the browser asks in its own words.
    window_event_listener(leptos::ev::beforeunload, |ev| {
        if UNSAVED.with(|u| u.get()) > 0 {
            ev.prevent_default();
            ev.set_return_value("unsaved");
        }
    });
}

/// Asks before a page with `n` unsaved edits is left; `leave` runs on "yes", with the edits let go.
fn ask_to_leave(n: usize, leave: impl Fn() + Send + Sync + 'static) {
    crate::components::ask::ask(crate::components::ask::Ask {
        title: "Leave without saving?".into(),
        consequence: format!(
            "This page has {}. They are lost if you leave.",
            crate::words::count(n as u64, "unsaved edit")
        ),
        preview: vec![],
        yes: "Leave without saving".into(),
        on_yes: Callback::new(move |()| {
            set_unsaved(0);
            leave();
        }),
    });
}

/// A link inside the panel, marked `aria-current` while its page (or a page below it) is shown.
pub fn link(href: String, label: String) -> AnyView {
    let url = api::url(&href);
    let current = move || {
        let p = path();
        let here = p == href || (href != "/" && p.starts_with(&format!("{href}/")));
        here.then_some("page")
    };
    view! { <a href=url aria-current=current>{label}</a> }.into_any()
}
