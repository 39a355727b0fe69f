//! Admins: API tokens for scripts and portals, created with a role, shown once, revocable.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::account::{NewToken, Role, TokenView};
use model::api::ApiError;

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::role_select::{RoleSelect, ShownOnce};

#[component]
pub fn TokensPage() -> impl IntoView {
    let tokens = RwSignal::new(Vec::<TokenView>::new());
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<(String, String)>);
    let reload = move || {
        spawn_local(async move {
            match api::tokens().await {
                Ok(t) => tokens.set(t),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    reload();
    let revoke = move |id: i64| {
        spawn_local(async move {
            if let Err(e) = api::revoke_token(id).await {
                error.set(Some(e));
            }
            reload();
        })
    };
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewToken {
            name: name.get_untracked(),
            role: role.get_untracked(),
        };
        spawn_local(async move {
            match api::add_token(new).await {
                Ok(c) => {
                    error.set(None);
                    name.set(String::new());
                    created.set(Some((c.token.name, c.value.expose().to_string())));
                }
                Err(e) => error.set(Some(e)),
            }
            reload();
        });
    };
    view! {
        <section>
            <h1>"API tokens"</h1>
            <p class="muted">
                "Scripts send a token as 'Authorization: Bearer <token>', or as the password of Basic authentication on "
                "the ARI-shaped address " <code>{api::url("/ari/asterisk/config/dynamic/res_pjsip/…")}</code> "."
            </p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || created.get().map(|(n, v)| view! { <ShownOnce what=format!("The token {n}.") value=v/> })}
            <table>
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                <tbody>
                    {move || tokens.get().into_iter().map(|t| view! {
                        <tr data-testid=format!("token-{}", t.name)>
                            <td>{t.name.clone()}</td>
                            <td>{t.role.as_str()}</td>
                            <td>{format!("{} by {}", t.created_at, t.created_by)}</td>
                            <td>{t.last_used.clone().unwrap_or_else(|| "never".into())}</td>
                            <td>{if t.revoked {
                                view! { <span class="muted">"revoked"</span> }.into_any()
                            } else {
                                let id = t.id;
                                view! { <button type="button" on:click=move |_| revoke(id) data-testid="revoke">"Revoke"</button> }.into_any()
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h2>"New token"</h2>
            <form class="inline-form" on:submit=add>
                <label>"Name" <input type="text" required placeholder="e.g. billing portal" bind:value=name data-testid="new-token-name"/></label>
                <label>"Role" <RoleSelect value=Role::Operator on_pick=move |r| role.set(r)/></label>
                <button type="submit" class="primary" data-testid="add-token">"Create token"</button>
            </form>
        </section>
    }
}
