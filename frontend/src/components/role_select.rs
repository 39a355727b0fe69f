//! A role picker, and the box that shows a generated password or a new token the one time it exists.

use leptos::prelude::*;
use model::account::Role;

#[component]
pub fn RoleSelect(
    value: Role,
    #[prop(into)] on_pick: Callback<Role>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    view! {
        <select on:change=move |ev| {
            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                on_pick.run(r);
            }
        } aria-label="Role" data-testid=testid>
            {Role::ALL
                .into_iter()
                .map(|r| view! { <option value=r.as_str() selected=r == value>{r.as_str()}</option> })
                .collect_view()}
        </select>
    }
}

/// A secret shown once: Conjure keeps only its hash.
#[component]
pub fn ShownOnce(what: String, value: String) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            <p>{what}" Copy it now: Conjure does not show it again."</p>
            <code class="secret" data-testid="shown-once">{value}</code>
        </div>
    }
}
