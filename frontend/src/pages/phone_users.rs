//! Phone users: one row per person (their endpoint, auth and aor), search, rename, template, new
//! password, delete.

use leptos::prelude::*;
use model::api::ApiError;
use model::provision::{PhoneSetup, PhoneUserChange, PhoneUserPage};

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::loaded::{Loaded, shown};
use crate::components::phone_setup::SetupCard;
use crate::session::use_session;

#[component]
pub fn PhoneUsersPage() -> impl IntoView {
    let can_edit = use_session().can_edit();
    let search = RwSignal::new(String::new());
    // A change answers with the user's setup (with the new password after a reset); a delete with none.
    let act = crate::act::action(|(ext, c): &(String, Option<PhoneUserChange>)| {
        let (ext, c) = (ext.clone(), c.clone());
        async move {
            match c {
                Some(c) => api::change_phone_user(&ext, &c).await.map(Some),
                None => api::delete_phone_user(&ext).await.map(|()| None),
            }
        }
    });
    // Loaded again after each change.
    let list = LocalResource::new(move || {
        act.version().track();
        let s = search.get();
        async move { api::phone_users(&s).await }
    });
    let templates = LocalResource::new(api::templates);
    let error = move || act.value().get().and_then(Result::err);
    let setup = move || {
        act.value()
            .get()
            .and_then(Result::ok)
            .flatten()
            .filter(|s: &PhoneSetup| s.password.is_some())
    };
    let change = move |ext: String, c: PhoneUserChange| {
        act.dispatch((ext, Some(c)));
    };
    let rename = move |ext: String, old: String| {
        let Ok(Some(name)) =
            window().prompt_with_message_and_default(&format!("New name for {ext}"), &old)
        else {
            return;
        };
        change(
            ext,
            PhoneUserChange {
                name: Some(name),
                ..Default::default()
            },
        );
    };
    let remove = move |ext: String| {
        let sure = window()
            .confirm_with_message(&format!(
                "Delete phone user {ext}? Its phone stops working at once."
            ))
            .unwrap_or(false);
        if sure {
            act.dispatch((ext, None));
        }
    };
    view! {
        <section>
            <h1>"Phone users"</h1>
            <p class="actions">
                <Show when=move || can_edit>
                    <a href=api::url("/phone-users/new") class="button primary" data-testid="new-phone-user">"New phone user"</a>
                    <a href=api::url("/phone-users/import") class="button">"Import a spreadsheet"</a>
                </Show>
                <a href=api::url("/api/phone-users.csv") download="phone-users.csv" class="button">"Export CSV"</a>
            </p>
            <input type="search" placeholder="Search by extension or name" aria-label="Search" data-testid="phone-user-search"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            {move || error().map(|e| view! { <ErrorBox error=e/> })}
            {move || setup().map(|s| view! { <SetupCard setup=s/> })}
            <Loaded>
                {move || Suspend::new(async move { shown(async move {
                    let PhoneUserPage { total, items } = list.await?;
                    // Without the templates the list still shows; the drop-down offers the user's own.
                    let names: Vec<String> = templates.await.map(|ts| ts.into_iter().map(|t| t.name).collect()).unwrap_or_default();
                    Ok::<_, ApiError>(view! {
                        <p class="muted">{format!("{total} phone users")}</p>
                        <table data-testid="phone-users">
                            <thead><tr><th>"Extension"</th><th>"Name"</th><th>"Template"</th><th>"Created"</th><th></th></tr></thead>
                            <tbody>
                                {items.into_iter().map(|u| {
                                    let (e1, e2, e3, e4) = (u.extension.clone(), u.extension.clone(), u.extension.clone(), u.extension.clone());
                                    let old = u.name.clone();
                                    let current = u.template.clone();
                                    view! {
                                        <tr data-testid=format!("phone-user-{}", u.extension)>
                                            <td>{crate::nav::link(crate::route::Route::object(model::ObjectType::Endpoint, &u.extension).href(), u.extension.clone())}</td>
                                            <td>{u.name.clone()}</td>
                                            <td>
                                                <select disabled=!can_edit on:change=move |ev| change(e1.clone(), PhoneUserChange { template: Some(event_target_value(&ev)), ..Default::default() })>
                                                    {names.iter().map(|n| view! { <option value=n.clone() selected=*n == current>{n.clone()}</option> }).collect_view()}
                                                </select>
                                            </td>
                                            <td>{format!("{} by {}", u.created_at.get(..10).unwrap_or_default(), u.created_by)}</td>
                                            <td>
                                                <Show when=move || can_edit>
                                                    <button type="button" on:click={let (e, o) = (e2.clone(), old.clone()); move |_| rename(e.clone(), o.clone())}>"Rename"</button>
                                                    <button type="button" data-testid="new-password" on:click={let e = e3.clone(); move |_| change(e.clone(), PhoneUserChange { reset_password: true, ..Default::default() })}>"New password"</button>
                                                    <button type="button" class="danger" data-testid="delete-phone-user" on:click={let e = e4.clone(); move |_| remove(e.clone())}>"Delete"</button>
                                                </Show>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any())
                }.await) })}
            </Loaded>
        </section>
    }
}
