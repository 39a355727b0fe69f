//! One object by type and id: load it from Asterisk, show and edit its options, save, delete; when it does
//! not exist, offer to create it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::api::{ApiError, ObjectView};
use model::{ObjectId, ObjectType};

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::object_form::ObjectForm;
use crate::route::Route;

#[derive(Clone)]
enum Loaded {
    Loading,
    Missing,
    Present(ObjectView),
    Failed(ApiError),
}

#[component]
pub fn ObjectPage() -> impl IntoView {
    let session = crate::session::use_session();
    let target = Memo::new(move |_| match Route::parse(&crate::nav::path()) {
        Route::Object(ty, id) => (ty, id),
        _ => (String::new(), String::new()),
    });
    let loaded = RwSignal::new(Loaded::Loading);
    let creating = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiError>);
    let warnings = RwSignal::new(Vec::<String>::new());

    let checked = move || -> Result<(ObjectType, String), ApiError> {
        let (ty, id) = target.get();
        let ty = ObjectType::parse(&ty)
            .ok_or_else(|| ApiError::new(format!("Conjure does not know the type '{ty}'")))?;
        ObjectId::new(id.clone()).map_err(|e| ApiError::new(format!("Bad id: {e}")))?;
        Ok((ty, id))
    };

    // Which load is the latest: an answer for an object the person has already left must not replace
    // the one on screen (moving quickly between objects, the older answer can arrive last).
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let t = checked();
        let load = latest.get_value() + 1;
        latest.set_value(load);
        loaded.set(Loaded::Loading);
        creating.set(false);
        notice.set(None);
        failure.set(None);
        warnings.set(Vec::new());
        spawn_local(async move {
            let next = match t {
                Err(e) => Loaded::Failed(e),
                Ok((ty, id)) => match api::get_object(ty, &id).await {
                    Ok(Some(v)) => Loaded::Present(v),
                    Ok(None) => Loaded::Missing,
                    Err(e) => Loaded::Failed(e),
                },
            };
            if latest.get_value() == load {
                loaded.set(next);
            }
        });
    });

    let saved = Callback::new(move |v: ObjectView| {
        notice.set(Some(format!(
            "Saved {} '{}' on Asterisk.",
            v.object_type, v.id
        )));
        warnings.set(
            v.warnings
                .iter()
                .map(|w| format!("{}: {}", w.attribute.clone().unwrap_or_default(), w.message))
                .collect(),
        );
        creating.set(false);
        loaded.set(Loaded::Present(v));
    });

    let delete = move |_| {
        let Ok((ty, id)) = checked() else { return };
        confirming.set(false);
        failure.set(None);
        spawn_local(async move {
            match api::delete_object(ty, &id).await {
                Ok(()) => {
                    notice.set(Some(format!("Deleted {ty} '{id}' from Asterisk.")));
                    loaded.set(Loaded::Missing);
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };

    // The typed form where Conjure has a catalog; free rows for phoneprov; a read-only table otherwise.
    let editor = move |ty: ObjectType, id: String, v: Option<ObjectView>| -> AnyView {
        if !ty.can_put() {
            let fields = v.map(|v| v.fields).unwrap_or_default();
            return view! {
                <table data-testid="read-only">
                    <tbody>{fields.into_iter().map(|f| view! { <tr><td><code>{f.attribute}</code></td><td>{f.value}</td></tr> }).collect_view()}</tbody>
                </table>
            }
            .into_any();
        }
        view! { <ObjectForm object_type=ty id=id view=v on_saved=saved/> }.into_any()
    };

    let title = move || {
        let (ty, id) = target.get();
        view! { <h1><span class="muted">{ty}</span>" "<span data-testid="object-id">{id}</span></h1> }
    };

    let body = move || match loaded.get() {
        Loaded::Loading => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Loaded::Failed(e) => view! { <ErrorBox error=e/> }.into_any(),
        Loaded::Missing => {
            let Ok((ty, id)) = checked() else {
                return ().into_any();
            };
            view! {
                <div data-testid="not-found">
                    <p>{format!("{ty} '{id}' does not exist on Asterisk.")}</p>
                    <Show when=move || !creating.get() && ty.can_put() && session.can_edit()>
                        <button class="primary" on:click=move |_| creating.set(true) data-testid="create">"Create it"</button>
                    </Show>
                </div>
                <Show when=move || creating.get()>
                    {editor(ty, id.clone(), None)}
                </Show>
            }
            .into_any()
        }
        Loaded::Present(v) => {
            let ty = v.object_type;
            view! {
                <div class="object-actions">
                    {ty.write_refusal().map(|why| view! { <p class="notice">{why}</p> })}
                    <Show when=move || ty.can_delete() && session.can_edit()>
                        <button class="danger" on:click=move |_| confirming.set(true) data-testid="delete">"Delete"</button>
                    </Show>
                </div>
                <Show when=move || confirming.get()>
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-text" data-testid="confirm">
                        <p id="confirm-text">{move || { let (t, i) = target.get(); format!("Delete {t} '{i}' from Asterisk? Phones using it stop working at once.") }}</p>
                        <button class="danger" on:click=delete data-testid="confirm-delete">"Delete"</button>
                        <button on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </Show>
                {editor(ty, v.id.clone(), Some(v.clone()))}
            }
            .into_any()
        }
    };

    view! {
        <section class="object">
            {title}
            {move || notice.get().map(|n| view! { <p class="toast" role="status" data-testid="notice">{n}</p> })}
            {move || warnings.get().into_iter().map(|w| view! { <p class="field-warning" data-testid="save-warning">{w}</p> }).collect_view()}
            {move || failure.get().map(|e| view! { <ErrorBox error=e/> })}
            {body}
        </section>
    }
}
