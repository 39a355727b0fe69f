//! The start page, by role: a clerk gets the two things they come for and their phone users' state; the
//! others get the server's state, counts, the latest changes, and a way to open any object.

use leptos::prelude::*;
use model::api::ApiError;
use model::provision::PhoneUserSort;

use crate::api;
use crate::components::loaded::{Loaded, shown};
use crate::components::open_object::OpenObject;
use crate::components::time::Time;
use crate::route::Route;
use crate::session::use_session;

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    view! {
        <section>
            <h1>{if session.sees_objects() { "Overview" } else { "Phone users" }}</h1>
            <Show when=move || session.can_provision()>
                <p class="actions">
                    <a href=api::url(&Route::NewPhoneUser.href()) class="button primary" data-testid="home-new-phone-user">"New phone user"</a>
                    <a href=api::url(&Route::Import.href()) class="button" data-testid="home-import">"Import a spreadsheet"</a>
                </p>
            </Show>
            <PhoneCounts/>
            <Show when=move || session.sees_objects()>
                <Recent/>
                <div class="card">
                    <h2>"Open a PJSIP object"</h2>
                    <p class="muted">
                        "Asterisk cannot list the objects it holds, so open one by its type and id. "
                        "If it does not exist yet, you can create it."
                    </p>
                    <OpenObject/>
                    <p>
                        <a href=api::url("/drift")>"Drift: what differs from what Conjure pushed"</a>" · "
                        <a href=api::url("/fleet")>"Servers"</a>
                    </p>
                </div>
            </Show>
        </section>
    }
}

/// How many phone users there are, how many have a phone registered now, and whose is not (of the
/// first 50 by extension: what a receptionist checks in the morning).
#[component]
fn PhoneCounts() -> impl IntoView {
    let counts = LocalResource::new(|| async {
        let users = api::phone_users("", PhoneUserSort::Extension, false, 1).await?;
        // Asterisk may be down: the count of users still shows.
        let states = api::endpoint_states().await;
        Ok::<_, ApiError>((users, states))
    });
    view! {
        <Loaded>
            {move || Suspend::new(async move { shown(async move {
                let (users, states) = counts.await?;
                let (online, offline) = match &states {
                    Ok(s) => {
                        let off: Vec<String> = users.items.iter()
                            .filter(|u| s.get(&u.extension).is_none_or(|v| v != "online"))
                            .take(10)
                            .map(|u| format!("{} {}", u.extension, u.name))
                            .collect();
                        (format!("{} with a phone online now", s.values().filter(|v| *v == "online").count()), off)
                    }
                    Err(e) => (format!("whether their phones are online is not known: {}", e.message), vec![]),
                };
                Ok::<_, ApiError>(view! {
                    <p data-testid="home-phone-users">
                        {crate::nav::link(Route::PhoneUsers.href(), crate::words::count(users.total, "phone user"))}", "{online}"."
                    </p>
                    {(!offline.is_empty()).then(|| view! {
                        <p class="muted">"Not online now:"</p>
                        <ul data-testid="home-offline">{offline.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                    })}
                }.into_any())
            }.await) })}
        </Loaded>
    }
}

/// The last five changes, in words.
#[component]
fn Recent() -> impl IntoView {
    let recent = LocalResource::new(|| api::audit("limit=5"));
    view! {
        <div class="card">
            <h2>"Recent changes"</h2>
            <Loaded>
                {move || Suspend::new(async move { shown(async move {
                    let list = recent.await?;
                    let empty = list.is_empty();
                    Ok::<_, ApiError>(view! {
                        <ul data-testid="home-recent">
                            {list.into_iter().map(|e| view! { <li><Time at=e.at/>" · "{e.summary}</li> }).collect_view()}
                        </ul>
                        <Show when=move || empty><p class="muted">"Nothing has been changed through Conjure yet."</p></Show>
                        <p>{crate::nav::link(Route::Audit.href(), "The whole audit log".into())}</p>
                    }.into_any())
                }.await) })}
            </Loaded>
        </div>
    }
}
