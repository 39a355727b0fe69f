//! Admins: API tokens for scripts and portals, created with a role, shown once, revocable.

use leptos::prelude::*;
use model::account::{NewToken, Role};

use crate::api;
use crate::components::ask::{Ask, ask};
use crate::components::error_box::ErrorBox;
use crate::components::loaded::{Loaded, shown};
use crate::components::role_select::{RoleSelect, ShownOnce};
use crate::components::time::Time;

#[derive(Clone)]
enum Act {
    Create(NewToken),
    Revoke(i64),
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    // Creating and revoking are one action; the page shows its latest answer: an error, or the new
    // token (shown once).
    let act = crate::act::action(move |what: &Act| {
        let what = what.clone();
        async move {
            match what {
                Act::Create(new) => {
                    let r = api::add_token(new).await;
                    if r.is_ok() {
                        name.set(String::new());
                    }
                    r.map(Some)
                }
                Act::Revoke(id) => api::revoke_token(id).await.map(|()| None),
            }
        }
    });
    // The list is loaded again after each change.
    let tokens = LocalResource::new(move || {
        act.version().track();
        api::tokens()
    });
    let error = move || act.value().get().and_then(Result::err);
    let created = move || {
        act.value()
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
        act.dispatch(Act::Create(new));
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
            {move || Suspend::new(async move { shown(tokens.await.map(|tokens| view! {
            <table>
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                <tbody>
                    {tokens.into_iter().map(|t| view! {
                        <tr data-testid=format!("token-{}", t.name)>
                            <td>{t.name.clone()}</td>
                            <td>{t.role.as_str()}</td>
                            <td><Time at=t.created_at.clone()/>{format!(" by {}", t.created_by)}</td>
                            <td>{match t.last_used.clone() { Some(at) => view! { <Time at=at/> }.into_any(), None => "never".into_any() }}</td>
                            <td>{if t.revoked {
                                view! { <span class="muted">"revoked"</span> }.into_any()
                            } else {
                                let id = t.id;
                                view! { <button type="button" disabled=move || act.pending().get() on:click={let n = t.name.clone(); move |_| ask(Ask { title: format!("Revoke the token {n}?"), consequence: format!("Every program that uses the token {n} is refused from now on. A revoked token cannot be used again."), preview: vec![], yes: format!("Revoke {n}"), on_yes: Callback::new(move |()| { act.dispatch(Act::Revoke(id)); }) })} data-testid="revoke">"Revoke"</button> }.into_any()
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            }.into_any())) })}
            </Loaded>
            <h2>"New token"</h2>
            <form class="inline-form" on:submit=add>
                <label>"Name" <input type="text" required placeholder="e.g. billing portal" bind:value=name data-testid="new-token-name"/></label>
                <label>"Role" <RoleSelect value=Role::Operator on_pick=move |r| role.set(r)/></label>
                <button type="submit" class="primary" disabled=move || act.pending().get() data-testid="add-token">"Create token"</button>
            </form>
        </section>
    }
}
