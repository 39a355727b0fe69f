//! Admins: panel users, their roles, disabling and password resets.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::account::{Issued, NewUser, Role, UserChange, UserView};
use model::api::ApiError;

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::role_select::{RoleSelect, ShownOnce};

#[component]
pub fn UsersPage() -> impl IntoView {
    let users = RwSignal::new(Vec::<UserView>::new());
    let error = RwSignal::new(None::<ApiError>);
    let issued = RwSignal::new(None::<(String, String)>);
    let reload = move || {
        spawn_local(async move {
            match api::users().await {
                Ok(u) => users.set(u),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    reload();
    // Every change answers with the user and, for new users and resets, the generated password.
    let done = move |r: Result<Issued, ApiError>| {
        match r {
            Ok(i) => {
                error.set(None);
                issued.set(i.password.map(|p| (i.user.name, p.expose().to_string())));
            }
            Err(e) => error.set(Some(e)),
        }
        reload();
    };
    let change = move |name: String, c: UserChange| {
        spawn_local(async move { done(api::change_user(&name, c).await) })
    };

    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    let password = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewUser {
            name: name.get_untracked(),
            role: role.get_untracked(),
            password: Some(password.get_untracked())
                .filter(|p| !p.is_empty())
                .map(Into::into),
        };
        spawn_local(async move {
            let r = api::add_user(new).await;
            if r.is_ok() {
                name.set(String::new());
                password.set(String::new());
            }
            done(r);
        });
    };

    view! {
        <section>
            <h1>"Users"</h1>
            <p class="muted">"Viewers read, operators also change the configuration, admins also manage users and tokens."</p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || issued.get().map(|(u, p)| view! { <ShownOnce what=format!("The password for {u}.") value=p/> })}
            <table>
                <thead><tr><th>"User"</th><th>"Role"</th><th>"Last sign-in"</th><th>"State"</th><th></th></tr></thead>
                <tbody>
                    {move || users.get().into_iter().map(|u| {
                            let (n1, n2, n3) = (u.name.clone(), u.name.clone(), u.name.clone());
                            let disabled = u.disabled;
                            view! {
                                <tr data-testid=format!("user-{}", u.name)>
                                    <td>{u.name.clone()}</td>
                                    <td><RoleSelect value=u.role on_pick=move |r| change(n1.clone(), UserChange { role: Some(r), ..Default::default() })/></td>
                                    <td>{u.last_login.clone().unwrap_or_else(|| "never".into())}</td>
                                    <td>{if disabled { "disabled" } else { "active" }}</td>
                                    <td>
                                        <button type="button" on:click=move |_| change(n2.clone(), UserChange { disabled: Some(!disabled), ..Default::default() })>
                                            {if disabled { "Enable" } else { "Disable" }}
                                        </button>
                                        <button type="button" on:click=move |_| change(n3.clone(), UserChange { reset_password: true, ..Default::default() }) data-testid="reset">
                                            "Reset password"
                                        </button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                </tbody>
            </table>
            <h2>"Add a user"</h2>
            <form class="inline-form" on:submit=add>
                <label>"Name" <input type="text" required bind:value=name data-testid="new-user-name"/></label>
                <label>"Role" <RoleSelect value=Role::Operator on_pick=move |r| role.set(r) testid="new-user-role"/></label>
                <label>"Password (empty: generate one)" <input type="password" autocomplete="new-password" bind:value=password data-testid="new-user-password"/></label>
                <button type="submit" class="primary" data-testid="add-user">"Add user"</button>
            </form>
        </section>
    }
}
