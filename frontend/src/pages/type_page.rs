//! One object type: the objects Conjure pushed (searchable, sortable, paged), endpoints Asterisk has that
//! Conjure did not push (with "adopt"), and "open by id".

use leptos::prelude::*;
use model::ObjectType;
use model::api::{ListQuery, SortKey};

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::loaded::{Loaded, shown};
use crate::components::open_object::OpenObject;
use crate::route::Route;

const PER_PAGE: u32 = 50;

#[component]
pub fn TypePage() -> impl IntoView {
    let name = Memo::new(move |_| match Route::parse(&crate::nav::path()) {
        Route::Type(name) => name,
        _ => String::new(),
    });
    move || {
        let name = name.get();
        match ObjectType::parse(&name) {
            None => view! { <section><h1>"Unknown type"</h1><p>{format!("Conjure does not know the type '{name}'.")}</p></section> }.into_any(),
            Some(ty) => view! { <TypeList ty=ty/> }.into_any(),
        }
    }
}

#[component]
fn TypeList(ty: ObjectType) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(SortKey::Id);
    let descending = RwSignal::new(false);
    let page = RwSignal::new(1u32);
    let adopt = crate::act::action(move |id: &String| {
        let id = id.clone();
        async move { api::adopt(ty, &id).await }
    });
    let can_edit = crate::session::use_session().can_edit();
    // Loaded again after an adoption: the endpoint moves from "not managed" into the list.
    let listing = LocalResource::new(move || {
        adopt.version().track();
        let q = ListQuery {
            search: search.get(),
            sort: sort.get(),
            descending: descending.get(),
            page: page.get(),
            per_page: PER_PAGE,
        };
        async move { api::inventory(ty, &q).await }
    });
    let adopt_error = move || adopt.value().get().and_then(Result::err);
    let sort_by = move |key: SortKey| {
        if sort.get_untracked() == key {
            descending.update(|d| *d = !*d);
        } else {
            sort.set(key);
            descending.set(false);
        }
        page.set(1);
    };
    // The page of the list, once loaded: a plain function, so the loading itself stays a small future.
    let show = move |p: model::api::InventoryPage| {
        let pages = p.total.div_ceil(PER_PAGE as u64).max(1) as u32;
        let unmanaged = p.unmanaged.clone();
        view! {
                        <p class="muted" data-testid="inventory-total">{format!("{} objects", p.total)}</p>
                        <table data-testid="inventory">
                            <thead><tr>
                                <th scope="col"><button type="button" class="link" on:click=move |_| sort_by(SortKey::Id) data-testid="sort-id">"Id"</button></th>
                                <th scope="col"><button type="button" class="link" on:click=move |_| sort_by(SortKey::Updated) data-testid="sort-updated">"Last change"</button></th>
                                <th scope="col">"By"</th>
                            </tr></thead>
                            <tbody>
                                {p.items.into_iter().map(|i| {
                                    let href = Route::object(ty, &i.id).href();
                                    view! { <tr data-testid="inventory-row"><td>{crate::nav::link(href, i.id)}</td><td>{i.updated_at}</td><td>{i.updated_by}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <div class="actions">
                            <button type="button" disabled=move || page.get() <= 1 on:click=move |_| page.update(|p| *p -= 1) data-testid="prev-page">"Previous"</button>
                            <span data-testid="page">{format!("Page {} of {pages}", p.page)}</span>
                            <button type="button" disabled=move || { page.get() >= pages } on:click=move |_| page.update(|p| *p += 1) data-testid="next-page">"Next"</button>
                        </div>
                        <Show when={let empty = unmanaged.is_empty(); move || !empty}>
                            <h2>"On Asterisk, not managed by Conjure"</h2>
                            <p class="muted">"These endpoints exist on Asterisk (pjsip.conf, another tool, or a script) but were not pushed through Conjure."</p>
                            <ul data-testid="unmanaged">
                                {unmanaged.clone().into_iter().map(|id| {
                                    let adopt_id = id.clone();
                                    view! {
                                        <li>
                                            <code>{id.clone()}</code>" "
                                            <Show when=move || can_edit>
                                                <button type="button" disabled=move || adopt.pending().get()
                                                    on:click={let adopt_id = adopt_id.clone(); move |_| { adopt.dispatch(adopt_id.clone()); }} data-testid=format!("adopt-{id}")>"Adopt"</button>
                                            </Show>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </Show>
                    }.into_any()
    };
    view! {
        <section>
            <h1>{ty.label()}</h1>
            {ty.write_refusal().map(|why| view! { <p class="notice">{why}</p> })}
            <OpenObject fixed_type=ty/>
            <h2>"Pushed through Conjure"</h2>
            <input type="search" placeholder="Search by id" aria-label="Search by id" data-testid="inventory-search"
                prop:value=move || search.get() on:input=move |ev| { search.set(event_target_value(&ev)); page.set(1); }/>
            {move || adopt_error().map(|e| view! { <ErrorBox error=e/> })}
            <Loaded>
                {move || Suspend::new(async move { shown(listing.await.map(show)) })}
            </Loaded>
        </section>
    }
}
