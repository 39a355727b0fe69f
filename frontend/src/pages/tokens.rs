//! Admins: API tokens for scripts and portals, created with a role, shown once, revocable.

use leptos::prelude::*;
use model::account::{CreatedToken, NewToken, Role};
use model::api::ApiError;

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::loaded::Loaded;
use crate::components::role_select::{RoleSelect, ShownOnce};

#[component]
pub fn TokensPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    let tokens = LocalResource::new(api::tokens);
    let revoke = Action::new_local(|id: &i64| api::revoke_token(*id));
    let add_token = Action::new_local(|new: &NewToken| api::add_token(new.clone()));
    // What the page says after the latest action: an error, or the new token (shown once).
    let answer = RwSignal::new(None::<Result<Option<CreatedToken>, ApiError>>);
    Effect::new(move |_| {
        if let Some(r) = revoke.value().get() {
            answer.set(Some(r.map(|()| None)));
            tokens.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(r) = add_token.value().get() {
            if r.is_ok() {
                name.set(String::new());
            }
            answer.set(Some(r.map(Some)));
            tokens.refetch();
        }
    });
    let error = move || answer.get().and_then(Result::err);
    let created = move || {
        answer
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|c| (c.token.name, c.value.expose().to_string()))
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewToken {
            name: name.get_untracked(),
            role: role.get_untracked(),
        };
        add_token.dispatch(new);
    };
    view! {
        <section>
            <h1>"API tokens"</h1>
            <p class="muted">
                "Scripts send a token as 'Authorization: Bearer <token>', or as the password of Basic authentication on "
                "the ARI-shaped address " <code>{api::url("/ari/asterisk/config/dynamic/res_pjsip/…")}</code> "."
            </p>
            {move || error().map(|e| view! { <ErrorBox error=e/> })}
            {move || created().map(|(n, v)| view! { <ShownOnce what=format!("The token {n}.") value=v/> })}
            <Loaded>
            {move || Suspend::new(async move { tokens.await.map(|tokens| view! {
            <table>
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                <tbody>
                    {tokens.into_iter().map(|t| view! {
                        <tr data-testid=format!("token-{}", t.name)>
                            <td>{t.name.clone()}</td>
                            <td>{t.role.as_str()}</td>
                            <td>{format!("{} by {}", t.created_at, t.created_by)}</td>
                            <td>{t.last_used.clone().unwrap_or_else(|| "never".into())}</td>
                            <td>{if t.revoked {
                                view! { <span class="muted">"revoked"</span> }.into_any()
                            } else {
                                let id = t.id;
                                view! { <button type="button" disabled=move || revoke.pending().get() on:click=move |_| { revoke.dispatch(id); } data-testid="revoke">"Revoke"</button> }.into_any()
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            })})}
            </Loaded>
            <h2>"New token"</h2>
            <form class="inline-form" on:submit=add>
                <label>"Name" <input type="text" required placeholder="e.g. billing portal" bind:value=name data-testid="new-token-name"/></label>
                <label>"Role" <RoleSelect value=Role::Operator on_pick=move |r| role.set(r)/></label>
                <button type="submit" class="primary" disabled=move || add_token.pending().get() data-testid="add-token">"Create token"</button>
            </form>
        </section>
    }
}
