//! Phone users: one row per person (their endpoint, auth and aor), by pages of 50, sorted and searched,
//! with whether their phone is online. Rename inline; a new password, a template change and a delete
//! ask first (one user or the selected ones), naming what happens to the phones.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use model::api::ApiError;
use model::provision::template_change::template_change;
use model::provision::{
    PHONE_USERS_PER_PAGE, PhoneSetup, PhoneUser, PhoneUserChange, PhoneUserPage, PhoneUserSort,
    Template,
};

use crate::api;
use crate::components::ask::{Ask, ask};
use crate::components::error_box::ErrorBox;
use crate::components::loaded::{Loaded, shown};
use crate::components::phone_setup::SetupCard;
use crate::components::time::Time;
use crate::session::use_session;

/// The sort drop-down's choices: (value, label, sort, descending).
const SORTS: [(&str, &str, PhoneUserSort, bool); 4] = [
    ("extension", "Extension", PhoneUserSort::Extension, false),
    ("name", "Name", PhoneUserSort::Name, false),
    ("newest", "Newest first", PhoneUserSort::Created, true),
    ("oldest", "Oldest first", PhoneUserSort::Created, false),
];

/// How often the online column asks again while the page is open.
const STATES_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// `?sort=created` (the import page's link to the users it made) opens the newest first.
fn initial_sort() -> &'static str {
    let q = window().location().search().unwrap_or_default();
    if q.contains("sort=created") {
        "newest"
    } else {
        "extension"
    }
}

/// Who a consequence is about: "Anna Berg's phone (2041)" or "the phones of 3 users".
fn whose(users: &[PhoneUser]) -> String {
    match users {
        [u] => format!("{}'s phone ({})", u.name, u.extension),
        _ => format!("the phones of these {} users", users.len()),
    }
}

/// What a change or a delete does, said before it is done: (title, consequence, preview, yes).
fn question(
    users: &[PhoneUser],
    change: &Option<PhoneUserChange>,
    templates: &[Template],
) -> (String, String, Vec<String>, String) {
    let who = whose(users);
    let n = if users.len() == 1 {
        users[0].extension.clone()
    } else {
        format!("{} users", users.len())
    };
    match change {
        None => (
            format!("Delete {n}?"),
            format!(
                "{who} will stop working at once: its endpoint, aor and auth are removed from Asterisk. This cannot be undone."
            ),
            vec![],
            format!("Delete {n}"),
        ),
        Some(c) if c.reset_password => (
            format!("New password for {n}?"),
            format!(
                "{who} will stop working until it is given the new password, shown once on this page."
            ),
            vec![],
            "Make new password".into(),
        ),
        Some(c) => {
            let to = c.template.clone().unwrap_or_default();
            let fields = |name: &str| {
                templates
                    .iter()
                    .find(|t| t.name == name)
                    .map(|t| t.fields.clone())
                    .unwrap_or_default()
            };
            let mut preview: Vec<String> = Vec::new();
            for u in users.iter().filter(|u| u.template != to) {
                let lines = template_change(&fields(&u.template), &fields(&to));
                let head = format!("{} ({} → {to})", u.extension, u.template);
                if lines.is_empty() {
                    preview.push(format!("{head}: nothing changes"));
                }
                preview.extend(lines.into_iter().map(|l| format!("{head}: {l}")));
            }
            (
                format!("Give {n} the template {to}?"),
                format!(
                    "{who} keeps its password; its endpoint and aor take these values from the template at once, which changes how calls work:"
                ),
                preview,
                format!("Apply {to}"),
            )
        }
    }
}

#[component]
pub fn PhoneUsersPage() -> impl IntoView {
    let can = use_session().can_provision();
    let objects = use_session().sees_objects();
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(initial_sort().to_string());
    let page = RwSignal::new(1u32);
    // Another search or order starts again at the first page.
    Effect::new(move |_| {
        search.track();
        sort.track();
        page.set(1);
    });
    let reload = RwSignal::new(0u32);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let renaming = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let setups = RwSignal::new(Vec::<PhoneSetup>::new());
    let list = LocalResource::new(move || {
        reload.track();
        let (s, p) = (search.get(), page.get());
        let (_, _, by, desc) = SORTS
            .iter()
            .copied()
            .find(|o| o.0 == sort.get())
            .unwrap_or(SORTS[0]);
        async move { api::phone_users(&s, by, desc, p).await }
    });
    let templates = LocalResource::new(api::templates);
    // The online column: asked now and every few seconds while the page is shown.
    let states = RwSignal::new(None::<Result<BTreeMap<String, String>, ApiError>>);
    let poll = move || {
        leptos::task::spawn_local(async move { states.set(Some(api::endpoint_states().await)) })
    };
    poll();
    if let Ok(h) = set_interval_with_handle(poll, STATES_EVERY) {
        on_cleanup(move || h.clear());
    }
    // Runs a change (None: a delete) on each user in turn; every answer is kept, the list loaded again.
    type Run = Callback<(Vec<PhoneUser>, Option<PhoneUserChange>)>;
    let run: Run = Callback::new(
        move |(users, change): (Vec<PhoneUser>, Option<PhoneUserChange>)| {
            busy.set(true);
            errors.set(Vec::new());
            setups.set(Vec::new());
            leptos::task::spawn_local(async move {
                for u in users {
                    let done = match &change {
                        Some(c) => api::change_phone_user(&u.extension, c).await.map(Some),
                        None => api::delete_phone_user(&u.extension).await.map(|()| None),
                    };
                    match done {
                        Ok(Some(s)) if s.password.is_some() => setups.update(|l| l.push(s)),
                        Ok(_) => {}
                        Err(e) => errors.update(|l| {
                            l.push(ApiError {
                                message: format!("{}: {}", u.extension, e.message),
                                ..e
                            })
                        }),
                    }
                }
                selected.set(BTreeSet::new());
                busy.set(false);
                reload.update(|n| *n += 1);
            });
        },
    );
    // Asks first, naming the consequence; the change runs only on "yes".
    let confirm: Run = Callback::new(
        move |(users, change): (Vec<PhoneUser>, Option<PhoneUserChange>)| {
            let ts = templates
                .get_untracked()
                .and_then(Result::ok)
                .unwrap_or_default();
            let (title, consequence, preview, yes) = question(&users, &change, &ts);
            ask(Ask {
                title,
                consequence,
                preview,
                yes,
                on_yes: Callback::new(move |()| run.run((users.clone(), change.clone()))),
            });
        },
    );
    view! {
        <section>
            <h1>"Phone users"</h1>
            <p class="actions">
                <Show when=move || can>
                    <a href=api::url("/phone-users/new") class="button primary" data-testid="new-phone-user">"New phone user"</a>
                    <a href=api::url("/phone-users/import") class="button">"Import a spreadsheet"</a>
                </Show>
                <a href=api::url("/api/phone-users.csv") download="phone-users.csv" class="button">"Export CSV"</a>
            </p>
            <div class="inline-form">
                <label class="grow">"Search"
                    <input type="search" placeholder="Extension or name" data-testid="phone-user-search"
                        prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                </label>
                <label>"Sort by"
                    <select data-testid="phone-user-sort" prop:value=move || sort.get() on:change=move |ev| sort.set(event_target_value(&ev))>
                        {SORTS.iter().map(|o| view! { <option value=o.0 selected=o.0 == sort.get_untracked()>{o.1}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <div role="status">
                {move || errors.get().into_iter().map(|e| view! { <ErrorBox error=e/> }).collect_view()}
                {move || setups.get().into_iter().map(|s| view! { <SetupCard setup=s/> }).collect_view()}
            </div>
            {move || match states.get() {
                Some(Err(e)) => Some(view! { <p class="notice" data-testid="states-error">"Whether phones are online is not known now: "{e.message}</p> }),
                _ => None,
            }}
            <Loaded>
                {move || Suspend::new(async move { shown(async move {
                    let PhoneUserPage { total, items } = list.await?;
                    let names: Vec<String> = templates.await.map(|ts| ts.into_iter().map(|t| t.name).collect()).unwrap_or_default();
                    let pages = total.div_ceil(PHONE_USERS_PER_PAGE as u64).max(1) as u32;
                    let on_page = items.clone();
                    let chosen = move || {
                        let sel = selected.get();
                        on_page.iter().filter(|u| sel.contains(&u.extension)).cloned().collect::<Vec<_>>()
                    };
                    let (c1, c2, c3) = (chosen.clone(), chosen.clone(), chosen.clone());
                    let bulk_names = names.clone();
                    Ok::<_, ApiError>(view! {
                        <div class="actions pager">
                            <button type="button" data-testid="page-previous" disabled=move || page.get() <= 1 on:click=move |_| page.update(|p| *p -= 1)>"Previous"</button>
                            <span data-testid="page-of">{move || format!("Page {} of {pages} · {}", page.get(), crate::words::count(total, "phone user"))}</span>
                            <button type="button" data-testid="page-next" disabled=move || { page.get() >= pages } on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                        </div>
                        <Show when=move || can && !selected.with(BTreeSet::is_empty)>
                            <div class="actions bulk" data-testid="bulk">
                                <span>{move || format!("{} selected:", selected.with(BTreeSet::len))}</span>
                                <button type="button" disabled=move || busy.get() data-testid="bulk-password" on:click={let c = c1.clone(); move |_| confirm.run((c(), Some(PhoneUserChange { reset_password: true, ..Default::default() })))}>"New passwords"</button>
                                <label class="inline">"Template"
                                    <select data-testid="bulk-template" on:change={let c = c2.clone(); move |ev| {
                                        let to = event_target_value(&ev);
                                        reset_select(&ev);
                                        if !to.is_empty() { confirm.run((c(), Some(PhoneUserChange { template: Some(to), ..Default::default() }))) }
                                    }}>
                                        <option value="">"Choose…"</option>
                                        {bulk_names.iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <button type="button" class="danger" disabled=move || busy.get() data-testid="bulk-delete" on:click={let c = c3.clone(); move |_| confirm.run((c(), None))}>"Delete"</button>
                            </div>
                        </Show>
                        <table data-testid="phone-users" class="list">
                            <thead><tr><th><span class="sr-only">"Select"</span></th><th>"Extension"</th><th>"Name"</th><th>"Online"</th><th>"Template"</th><th>"Created"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                            <tbody>
                                {items.into_iter().map(|u| row(u, &names, can, objects, selected, renaming, states, run, confirm)).collect_view()}
                            </tbody>
                        </table>
                    }.into_any())
                }.await) })}
            </Loaded>
        </section>
    }
}

/// A drop-down that asks goes back to what it showed: the change happens only after "yes".
fn reset_select(ev: &leptos::ev::Event) {
    use wasm_bindgen::JsCast;
    if let Some(s) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
    {
        s.set_value(&s.get_attribute("data-was").unwrap_or_default());
    }
}

#[allow(clippy::too_many_arguments)]
fn row(
    u: PhoneUser,
    names: &[String],
    can: bool,
    objects: bool,
    selected: RwSignal<BTreeSet<String>>,
    renaming: RwSignal<Option<String>>,
    states: RwSignal<Option<Result<BTreeMap<String, String>, ApiError>>>,
    run: Callback<(Vec<PhoneUser>, Option<PhoneUserChange>)>,
    confirm: Callback<(Vec<PhoneUser>, Option<PhoneUserChange>)>,
) -> impl IntoView {
    let ext = u.extension.clone();
    let (e1, e2, e3) = (ext.clone(), ext.clone(), ext.clone());
    let draft = RwSignal::new(u.name.clone());
    let state = Memo::new(move |_| {
        let s = states.with(|s| {
            s.as_ref().and_then(|s| s.as_ref().ok()).map(|m| {
                m.get(&e1)
                    .cloned()
                    .unwrap_or_else(|| "not on Asterisk".into())
            })
        });
        s.unwrap_or_else(|| "…".into())
    });
    let (u1, u2, u3, u4) = (u.clone(), u.clone(), u.clone(), u.clone());
    let current = u.template.clone();
    view! {
        <tr data-testid=format!("phone-user-{ext}")>
            <td data-label="Select">
                <input type="checkbox" disabled=!can aria-label=format!("Select {ext}") data-testid="select-user"
                    prop:checked=move || selected.with(|s| s.contains(&e2))
                    on:change=move |ev| { let on = event_target_checked(&ev); selected.update(|s| { if on { s.insert(e3.clone()); } else { s.remove(&e3); } }) }/>
            </td>
            // A clerk does not see PJSIP objects: the extension is a link only for those who do.
            <td data-label="Extension">{if objects {
                crate::nav::link(crate::route::Route::object(model::ObjectType::Endpoint, &ext).href(), ext.clone())
            } else {
                ext.clone().into_any()
            }}</td>
            <td data-label="Name">
                {move || if renaming.get().as_deref() == Some(u1.extension.as_str()) {
                    let u = u1.clone();
                    view! {
                        <form class="inline-form" on:submit=move |ev| {
                            ev.prevent_default();
                            renaming.set(None);
                            run.run((vec![u.clone()], Some(PhoneUserChange { name: Some(draft.get_untracked()), ..Default::default() })));
                        }>
                            <input type="text" bind:value=draft aria-label="New name" data-testid="rename-input" autofocus/>
                            <button type="submit" class="primary" data-testid="rename-save">"Save"</button>
                            <button type="button" on:click=move |_| renaming.set(None)>"Cancel"</button>
                        </form>
                    }.into_any()
                } else {
                    view! { <span>{u1.name.clone()}</span> }.into_any()
                }}
            </td>
            <td data-label="Online" data-testid="online" class=move || format!("state {}", if state.get() == "online" { "ok" } else { "" })>{move || state.get()}</td>
            <td data-label="Template">
                <select disabled=!can aria-label=format!("Template of {ext}") data-was=current.clone() data-testid="user-template" on:change=move |ev| {
                    let to = event_target_value(&ev);
                    reset_select(&ev);
                    confirm.run((vec![u2.clone()], Some(PhoneUserChange { template: Some(to), ..Default::default() })));
                }>
                    {names.iter().map(|n| view! { <option value=n.clone() selected=*n == current>{n.clone()}</option> }).collect_view()}
                </select>
            </td>
            <td data-label="Created"><Time at=u.created_at.clone()/>" by "{u.created_by.clone()}</td>
            <td data-label="Actions">
                {can.then(|| view! { <div class="row-actions">
                    <button type="button" data-testid="rename" on:click={let e = ext.clone(); move |_| renaming.set(Some(e.clone()))}>"Rename"</button>
                    <button type="button" data-testid="new-password" on:click={let u = u3.clone(); move |_| confirm.run((vec![u.clone()], Some(PhoneUserChange { reset_password: true, ..Default::default() })))}>"New password"</button>
                    <button type="button" class="danger" data-testid="delete-phone-user" on:click={let u = u4.clone(); move |_| confirm.run((vec![u.clone()], None))}>"Delete"</button>
                </div> })}
            </td>
        </tr>
    }
}
