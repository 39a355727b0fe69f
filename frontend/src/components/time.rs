//! A time as the person reads it: in the browser's time zone and language, with Conjure's UTC value on
//! hover (and in `datetime`, for what reads the page).

use leptos::prelude::*;

/// `at` is an ISO 8601 UTC time (`2026-12-02T10:00:00.000Z`); shown as it is if the browser cannot read it.
pub fn local(at: &str) -> String {
    let d = js_sys::Date::new(&at.into());
    if d.get_time().is_nan() {
        return at.to_string();
    }
    d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

#[component]
pub fn Time(at: String) -> impl IntoView {
    let shown = local(&at);
    let utc = format!("{} UTC", at.trim_end_matches('Z').replacen('T', " ", 1));
    view! { <time datetime=at title=utc>{shown}</time> }
}
