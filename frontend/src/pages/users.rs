//! Admins: panel users, their roles, disabling and password resets.

use leptos::prelude::*;
use model::account::{NewUser, Role, UserChange};

use crate::api;
use crate::components::ask::{Ask, ask};
use crate::components::error_box::ErrorBox;
use crate::components::loaded::{Loaded, shown};
use crate::components::role_select::{RoleSelect, ShownOnce};
use crate::components::time::Time;

#[derive(Clone)]
enum Act {
    Add(NewUser),
    Change(String, UserChange),
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    let password = RwSignal::new(String::new());
    // Adding a user and changing one are one action: every change answers with the user and, for new
    // users and resets, the generated password, and the latest answer is what the page shows.
    let act = crate::act::action(move |what: &Act| {
        let what = what.clone();
        async move {
            match what {
                Act::Add(new) => {
                    let r = api::add_user(new).await;
                    // Added: the form is ready for the next one (kept as typed after an error).
                    if r.is_ok() {
                        name.set(String::new());
                        password.set(String::new());
                    }
                    r
                }
                Act::Change(user, c) => api::change_user(&user, c).await,
            }
        }
    });
    // The list is loaded again after each change.
    let users = LocalResource::new(move || {
        act.version().track();
        api::users()
    });
    let error = move || act.value().get().and_then(Result::err);
    let issued = move || {
        act.value()
            .get()
            .and_then(Result::ok)
            .and_then(|i| i.password.map(|p| (i.user.name, p.expose().to_string())))
    };
    let change = move |name: String, c: UserChange| {
        act.dispatch(Act::Change(name, c));
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewUser {
            name: name.get_untracked(),
            role: role.get_untracked(),
            password: Some(password.get_untracked())
                .filter(|p| !p.is_empty())
                .map(Into::into),
        };
        act.dispatch(Act::Add(new));
    };

    view! {
        <section>
            <h1>"Users"</h1>
            <p class="muted">"Viewers read, provisioners also make and change phone users (and see nothing else), operators also change the configuration, admins also manage users and tokens."</p>
            {move || error().map(|e| view! { <ErrorBox error=e/> })}
            {move || issued().map(|(u, p)| view! { <ShownOnce what=format!("The password for {u}.") value=p/> })}
            <Loaded>
            {move || Suspend::new(async move { shown(users.await.map(|users| view! {
            <table>
                <thead><tr><th>"User"</th><th>"Role"</th><th>"Last sign-in"</th><th>"State"</th><th></th></tr></thead>
                <tbody>
                    {users.into_iter().map(|u| {
                            let (n1, n2, n3) = (u.name.clone(), u.name.clone(), u.name.clone());
                            let disabled = u.disabled;
                            view! {
                                <tr data-testid=format!("user-{}", u.name)>
                                    <td>{u.name.clone()}</td>
                                    <td><RoleSelect value=u.role on_pick=move |r| change(n1.clone(), UserChange { role: Some(r), ..Default::default() })/></td>
                                    <td>{match u.last_login.clone() { Some(at) => view! { <Time at=at/> }.into_any(), None => "never".into_any() }}</td>
                                    <td>{if disabled { "disabled" } else { "active" }}</td>
                                    <td>
                                        <button type="button" data-testid="disable" on:click=move |_| {
                                            let (n, c) = (n2.clone(), UserChange { disabled: Some(!disabled), ..Default::default() });
                                            // Enabling cuts nobody off; disabling signs the person out at once.
                                            if disabled { change(n, c) } else {
                                                ask(Ask { title: format!("Disable {n}?"), consequence: format!("{n} is signed out at once and cannot sign in until an admin enables the account again."), preview: vec![], yes: format!("Disable {n}"), on_yes: Callback::new(move |()| change(n.clone(), c.clone())) })
                                            }
                                        }>
                                            {if disabled { "Enable" } else { "Disable" }}
                                        </button>
                                        <button type="button" on:click=move |_| { let n = n3.clone(); ask(Ask { title: format!("New password for {n}?"), consequence: format!("{n}'s password stops working at once; the new one is shown once on this page, for you to give them."), preview: vec![], yes: "Make new password".into(), on_yes: Callback::new(move |()| change(n.clone(), UserChange { reset_password: true, ..Default::default() })) }) } data-testid="reset">
                                            "Reset password"
                                        </button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                </tbody>
            </table>
            }.into_any())) })}
            </Loaded>
            <h2>"Add a user"</h2>
            <form class="inline-form" on:submit=add>
                <label>"Name" <input type="text" required bind:value=name data-testid="new-user-name"/></label>
                <label>"Role" <RoleSelect value=Role::Operator on_pick=move |r| role.set(r) testid="new-user-role"/></label>
                <label>"Password (empty: generate one)" <input type="password" autocomplete="new-password" bind:value=password data-testid="new-user-password"/></label>
                <button type="submit" class="primary" disabled=move || act.pending().get() data-testid="add-user">"Add user"</button>
            </form>
        </section>
    }
}
