//! Templates: the options every phone user made from them gets, one `option = value` per line for each of
//! the three objects. Admins edit them; everyone can read them.

use leptos::prelude::*;
use model::api::ApiError;
use model::provision::template_text::{from_text, to_text};
use model::provision::{Template, TemplateFields};

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::loaded::{Loaded, shown};
use crate::session::use_session;

/// Saves a template; answers with its name and what the backend said.
type Store = Action<Template, (String, Result<Template, ApiError>)>;

#[component]
fn TemplateEditor(t: Template, can_edit: bool, store: Store) -> impl IntoView {
    let auth = RwSignal::new(to_text(&t.fields.auth));
    let aor = RwSignal::new(to_text(&t.fields.aor));
    let endpoint = RwSignal::new(to_text(&t.fields.endpoint));
    let description = RwSignal::new(t.description.clone());
    // A box that does not read as options is refused here; what the backend says comes from the action.
    let unreadable = RwSignal::new(None::<ApiError>);
    let name = t.name.clone();
    // The page's one save action: its answer is this editor's when it is about this template.
    let mine = StoredValue::new(name.clone());
    let answer = move || {
        store
            .value()
            .get()
            .filter(|(n, _)| mine.with_value(|m| m == n))
            .map(|(_, r)| r)
    };
    let error = move || unreadable.get().or_else(|| answer().and_then(Result::err));
    let saved = move || unreadable.with(Option::is_none) && matches!(answer(), Some(Ok(_)));
    let save = move |_| {
        // Each box read with the same rules the backend keeps; a line that is not an option is named.
        let read = |what: &str, s: RwSignal<String>| {
            from_text(&s.get_untracked()).map_err(|e| ApiError::new(format!("{what}: {e}")))
        };
        let parsed = (|| {
            Ok::<_, ApiError>(TemplateFields {
                auth: read("auth", auth)?,
                aor: read("aor", aor)?,
                endpoint: read("endpoint", endpoint)?,
            })
        })();
        let fields = match parsed {
            Ok(f) => f,
            Err(e) => {
                unreadable.set(Some(e));
                return;
            }
        };
        unreadable.set(None);
        let t = Template {
            name: name.clone(),
            description: description.get_untracked(),
            fields,
            builtin: false,
        };
        store.dispatch(t);
    };
    let tname = t.name.clone();
    let save_id = format!("tpl-{}-save", t.name);
    let area = move |label: &'static str, s: RwSignal<String>| {
        view! {
            <label>{label}<textarea rows="6" disabled=!can_edit bind:value=s data-testid=format!("tpl-{tname}-{label}")></textarea></label>
        }
    };
    view! {
        <article class="template" data-testid=format!("template-{}", t.name)>
            <h2>{t.name.clone()}</h2>
            <label>"Description" <input type="text" disabled=!can_edit bind:value=description/></label>
            <div class="template-fields">{area("auth", auth)}{area("aor", aor)}{area("endpoint", endpoint)}</div>
            {move || error().map(|e| view! { <ErrorBox error=e/> })}
            <Show when=move || can_edit>
                <button type="button" class="primary" on:click=save.clone() disabled=move || store.pending().get() data-testid=save_id.clone()>"Save template"</button>
                <Show when=saved><span class="muted" role="status">" Saved. New users get these options; existing users keep theirs until their template is set again."</span></Show>
            </Show>
        </article>
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let can_edit = use_session().is_admin();
    let new_name = RwSignal::new(String::new());
    // Saving an edited template and adding a new one; the answer names the template it is about.
    let create: Store = crate::act::action(move |t: &Template| {
        let t = t.clone();
        async move {
            let r = api::save_template(&t).await;
            if r.is_ok() && t.name == new_name.get_untracked() {
                new_name.set(String::new());
            }
            (t.name, r)
        }
    });
    // Loaded again after a template is added.
    let templates = LocalResource::new(move || {
        create.version().track();
        api::templates()
    });
    let add_error = move || {
        create
            .value()
            .get()
            .filter(|(n, _)| *n == new_name.get())
            .and_then(|(_, r)| r.err())
    };
    // A new template starts as a copy of the default one, to edit below.
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let base = templates
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|l| l.into_iter().next());
        let t = Template {
            name: new_name.get_untracked(),
            description: "A copy of the default template.".into(),
            fields: base.map(|b| b.fields).unwrap_or_default(),
            builtin: false,
        };
        create.dispatch(t);
    };
    view! {
        <section>
            <h1>"Phone templates"</h1>
            <p class="muted">"One option = value per line. The user's own options (username, password, auth, aors, callerid, mailboxes) are set by Conjure."</p>
            <Loaded>
                {move || Suspend::new(async move { shown(async move {
                    templates.await.map(|list| list.into_iter().map(|t| view! { <TemplateEditor t=t can_edit=can_edit store=create/> }).collect_view().into_any())
                }.await) })}
            </Loaded>
            <Show when=move || can_edit>
                <h2>"New template"</h2>
                <form class="inline-form" on:submit=add>
                    <label>"Name" <input type="text" required placeholder="e.g. reception" bind:value=new_name data-testid="new-template-name"/></label>
                    <button type="submit" class="primary" disabled=move || create.pending().get() data-testid="add-template">"Add template"</button>
                </form>
                {move || add_error().map(|e| view! { <ErrorBox error=e/> })}
            </Show>
        </section>
    }
}
