//! One object by type and id: load it from Asterisk, show and edit its options, save, delete; when it does
//! not exist, offer to create it.

use leptos::prelude::*;
use model::api::{ApiError, ObjectView};
use model::{ObjectId, ObjectType};

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::loaded::{Loaded, shown};
use crate::components::object_form::ObjectForm;
use crate::route::Route;

/// What Asterisk has under the page's type and id.
#[derive(Clone)]
enum Found {
    Missing,
    Present(ObjectView),
}

#[component]
pub fn ObjectPage() -> impl IntoView {
    let session = crate::session::use_session();
    let target = Memo::new(move |_| match Route::parse(&crate::nav::path()) {
        Route::Object(ty, id) => (ty, id),
        _ => (String::new(), String::new()),
    });
    let creating = RwSignal::new(false);
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

    // The object, loaded again whenever the address names another one. The resource keeps only the
    // answer to its latest load, so moving quickly between objects never shows an older one. A save or a
    // delete sets it to what Asterisk answered, without a reload.
    let object = LocalResource::new(move || {
        let t = checked();
        async move {
            let (ty, id) = t?;
            Ok::<_, ApiError>(match api::get_object(ty, &id).await? {
                Some(v) => Found::Present(v),
                None => Found::Missing,
            })
        }
    });
    Effect::new(move |_| {
        target.track();
        creating.set(false);
        notice.set(None);
        failure.set(None);
        warnings.set(Vec::new());
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
        object.set(Some(Ok(Found::Present(v))));
    });

    let delete = crate::act::action(move |(ty, id): &(ObjectType, String)| {
        let (ty, id) = (*ty, id.clone());
        async move {
            match api::delete_object(ty, &id).await {
                Ok(()) => {
                    notice.set(Some(format!("Deleted {ty} '{id}' from Asterisk.")));
                    object.set(Some(Ok(Found::Missing)));
                }
                Err(e) => failure.set(Some(e)),
            }
        }
    });
    // Asked in the panel's one dialog, like every other action that cuts phones off.
    let ask_delete = move |_| {
        let Ok((t, i)) = checked() else { return };
        crate::components::ask::ask(crate::components::ask::Ask {
            title: format!("Delete {t} '{i}'?"),
            consequence: format!(
                "Delete {t} '{i}' from Asterisk? Phones using it stop working at once."
            ),
            preview: vec![],
            yes: "Delete".into(),
            on_yes: Callback::new(move |()| {
                failure.set(None);
                delete.dispatch((t, i.clone()));
            }),
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

    let body = move |found: Found| match found {
        Found::Missing => {
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
        Found::Present(v) => {
            let ty = v.object_type;
            view! {
                <div class="object-actions">
                    {ty.write_refusal().map(|why| view! { <p class="notice">{why}</p> })}
                    <Show when=move || ty.can_delete() && session.can_edit()>
                        <button class="danger" on:click=ask_delete disabled=move || delete.pending().get() data-testid="delete">"Delete"</button>
                    </Show>
                </div>
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
            // Made again for each object, so another object's page starts at "Loading…" instead of
            // showing the previous object while the next one loads.
            {move || {
                target.track();
                view! { <Loaded>{move || Suspend::new(async move { shown(object.await.map(body)) })}</Loaded> }
            }}
        </section>
    }
}
