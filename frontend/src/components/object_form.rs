//! The typed form of an object: the Basic card first, every other option behind "All N options" with a
//! filter, each with its widget, default and validation; a diff before saving.

use std::collections::BTreeMap;

use leptos::prelude::*;
use model::ObjectType;
use model::api::{ApiError, ObjectView};
use model::catalog::{self, Group, Kind, OptionSpec};
use model::validate::check_fields;

use crate::api;
use crate::components::codec_picker::CodecPicker;
use crate::components::diff_dialog::DiffDialog;
use crate::components::error_box::ErrorBox;
use crate::components::list_editor::ListEditor;
use crate::components::option_input::{OptionInput, SecretInput};
use crate::form::{Plan, Values, is_list, plan, values_of};

/// The signals behind the form, one per option.
#[derive(Clone, Copy)]
struct Signals {
    scalars: StoredValue<BTreeMap<String, RwSignal<String>>>,
    lists: StoredValue<BTreeMap<String, RwSignal<Vec<String>>>>,
    secrets: StoredValue<BTreeMap<String, RwSignal<String>>>,
}

impl Signals {
    fn new(ty: ObjectType, v: &Values) -> Self {
        let scalars = v
            .scalars
            .iter()
            .map(|(k, v)| (k.clone(), RwSignal::new(v.clone())))
            .collect();
        let lists = v
            .lists
            .iter()
            .map(|(k, v)| (k.clone(), RwSignal::new(v.clone())))
            .collect();
        let secrets = catalog::options(ty)
            .filter(|o| o.secret)
            .map(|o| (o.name().to_string(), RwSignal::new(String::new())))
            .collect();
        Signals {
            scalars: StoredValue::new(scalars),
            lists: StoredValue::new(lists),
            secrets: StoredValue::new(secrets),
        }
    }
    fn values(&self) -> Values {
        Values {
            scalars: self.scalars.with_value(|m| {
                m.iter()
                    .map(|(k, s)| (k.clone(), s.get_untracked()))
                    .collect()
            }),
            lists: self.lists.with_value(|m| {
                m.iter()
                    .map(|(k, s)| (k.clone(), s.get_untracked()))
                    .collect()
            }),
        }
    }
    fn secret_values(&self) -> BTreeMap<String, String> {
        self.secrets.with_value(|m| {
            m.iter()
                .map(|(k, s)| (k.clone(), s.get_untracked()))
                .collect()
        })
    }
}

/// Brings an option's field into view and puts the focus in it, opening "All N options" if it is there.
fn show_field(attribute: &str) {
    use wasm_bindgen::JsCast;
    let Some(el) = document().get_element_by_id(&format!("opt-{attribute}")) else {
        return;
    };
    if let Ok(Some(d)) = el.closest("details") {
        let _ = d.set_attribute("open", "");
    }
    el.scroll_into_view();
    if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = h.focus();
    }
}

#[component]
pub fn ObjectForm(
    object_type: ObjectType,
    id: String,
    view: Option<ObjectView>,
    on_saved: Callback<ObjectView>,
) -> impl IntoView {
    let ty = object_type;
    let creating = view.is_none();
    let can_edit = crate::session::use_session().can_edit();
    let start = model::new_object::starting_values(ty, &id);
    let start: Vec<(&str, &str)> = start
        .iter()
        .map(|f| (f.attribute.as_str(), f.value.as_str()))
        .collect();
    let initial = values_of(ty, view.as_ref(), &start);
    let secrets_set: BTreeMap<String, bool> = view
        .iter()
        .flat_map(|v| v.secrets.iter().map(|s| (s.attribute.clone(), s.set)))
        .collect();
    let secrets_set = StoredValue::new(secrets_set);
    let signals = Signals::new(ty, &initial);
    // What a save compares with: the object as loaded, or for a new object Asterisk's defaults (so the
    // starting values are sent too).
    let loaded = initial.clone();
    let baseline = StoredValue::new(if creating {
        values_of(ty, None, &[])
    } else {
        initial
    });
    // The person's edits not saved yet, for the save bar and the question before leaving the page.
    let edits = Memo::new(move |_| {
        let scalars = signals.scalars.with_value(|m| {
            m.iter()
                .filter(|(k, s)| s.with(|v| Some(v) != loaded.scalars.get(*k)))
                .count()
        });
        let lists = signals.lists.with_value(|m| {
            m.iter()
                .filter(|(k, s)| s.with(|v| Some(v) != loaded.lists.get(*k)))
                .count()
        });
        let secrets = signals
            .secrets
            .with_value(|m| m.values().filter(|s| s.with(|v| !v.is_empty())).count());
        scalars + lists + secrets
    });
    Effect::new(move |_| crate::nav::set_unsaved(edits.get()));
    on_cleanup(|| crate::nav::set_unsaved(0));
    let pending = RwSignal::new(None::<Plan>);
    // Warnings about what is being saved (values Asterisk changes, objects it cannot update later).
    let cautions = RwSignal::new(Vec::<String>::new());
    let problem = RwSignal::new(None::<ApiError>);
    let filter = RwSignal::new(String::new());
    let id = StoredValue::new(id);

    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let p = plan(
            ty,
            &baseline.get_value(),
            &signals.values(),
            &signals.secret_values(),
            creating,
        );
        if p.fields.is_empty() {
            problem.set(Some(ApiError::new("Nothing has changed.")));
            return;
        }
        let errors: Vec<_> = check_fields(ty, &p.fields, creating || p.replace)
            .into_iter()
            .filter(|f| f.is_error())
            .collect();
        if let Some(first) = errors.first() {
            let place = first
                .attribute
                .clone()
                .map(|a| format!("{a}: "))
                .unwrap_or_default();
            let mut e = ApiError::new(format!("{place}{}", first.message))
                .with_hint("Nothing was sent to Asterisk.");
            let field = first.attribute.clone();
            e.findings = errors;
            problem.set(Some(e));
            if let Some(a) = field {
                show_field(&a);
            }
            return;
        }
        let warnings: Vec<String> = check_fields(ty, &p.fields, creating || p.replace)
            .into_iter()
            .filter(|f| !f.is_error())
            .map(|f| format!("{}: {}", f.attribute.unwrap_or_default(), f.message))
            .collect();
        cautions.set(warnings);
        pending.set(Some(p));
    };
    let save = crate::act::action(move |p: &Plan| {
        let (fields, replace) = (p.fields.clone(), p.replace);
        let id = id.get_value();
        async move { api::put_object(ty, &id, fields, replace).await }
    });
    let saving = save.pending();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(v)) => {
            pending.set(None);
            on_saved.run(v);
        }
        Some(Err(e)) => {
            pending.set(None);
            problem.set(Some(e));
            // Asterisk's refusal is shown where the person is, not at the end of a long form off screen.
            request_animation_frame(|| {
                if let Some(p) = document().get_element_by_id("form-problem") {
                    p.scroll_into_view();
                }
            });
        }
        None => {}
    });
    let confirm = Callback::new(move |()| {
        if let Some(p) = pending.get_untracked() {
            save.dispatch(p);
        }
    });

    let widget = move |spec: OptionSpec| -> AnyView {
        let name = spec.name().to_string();
        if spec.secret {
            let set = secrets_set.with_value(|m| m.get(&name).copied().unwrap_or(false));
            let s = signals.secrets.with_value(|m| m[&name]);
            return view! { <SecretInput spec=spec value=s set=set/> }.into_any();
        }
        if is_list(&spec) {
            let l = signals.lists.with_value(|m| m[&name]);
            let editor = if spec.kind == Kind::Codecs {
                view! { <CodecPicker codecs=l/> }.into_any()
            } else {
                view! { <ListEditor object_type=ty name=spec.name() entries=l/> }.into_any()
            };
            return view! {
                <div class="option" data-testid=format!("option-{name}")>
                    <span class="label"><code>{spec.name()}</code></span>
                    {editor}
                    {spec.help.map(|h| view! { <p class="help">{h}</p> })}
                </div>
            }
            .into_any();
        }
        match signals.scalars.with_value(|m| m.get(&name).copied()) {
            Some(s) => view! { <OptionInput spec=spec value=s read_only=false/> }.into_any(),
            None => ().into_any(),
        }
    };

    let all: Vec<OptionSpec> = catalog::options(ty)
        .filter(|o| o.name() != "disallow")
        .collect();
    let basic_order = |o: &OptionSpec| {
        catalog::options(ty)
            .position(|x| x.name() == o.name())
            .unwrap_or(0)
    };
    let mut basic: Vec<OptionSpec> = all
        .iter()
        .copied()
        .filter(|o| o.group == Group::Basic)
        .collect();
    basic.sort_by_key(basic_order);
    let total = all.len();
    let all = StoredValue::new(all);

    view! {
        <form class="object-form" on:submit=review data-testid="object-form">
            <section class="card">
                <h2>"Basic"</h2>
                {basic.into_iter().map(widget).collect_view()}
            </section>
            <details class="card" data-testid="show-all">
                <summary>{format!("All {total} options")}</summary>
                <input type="search" placeholder="Filter options" bind:value=filter aria-label="Filter options" data-testid="option-filter"/>
                {Group::ALL.into_iter().filter(|g| *g != Group::Basic).map(|g| {
                    let in_group = move || {
                        let f = filter.get().to_ascii_lowercase();
                        all.with_value(|a| a.iter().copied().filter(|o| o.group == g && o.name().to_ascii_lowercase().contains(&f)).collect::<Vec<_>>())
                    };
                    view! {
                        <Show when=move || !in_group().is_empty()>
                            <section class="group">
                                <h3>{g.label()}</h3>
                                {move || in_group().into_iter().map(widget).collect_view()}
                            </section>
                        </Show>
                    }
                }).collect_view()}
            </details>
            {move || problem.get().map(|e| view! { <div id="form-problem"><ErrorBox error=e/></div> })}
            <Show when=move || can_edit fallback=|| view! { <p class="muted" data-testid="read-only">"Your role can read the configuration, not change it."</p> }>
                // Sticky at the bottom of the window: on a form of 144 options it is always in reach.
                <div class="actions savebar" data-testid="savebar">
                    <button type="submit" class="primary" data-testid="save">{if creating { "Create" } else { "Review changes" }}</button>
                    <span role="status" data-testid="unsaved">{move || match edits.get() {
                        0 => String::new(),
                        n => crate::words::count(n as u64, "unsaved edit"),
                    }}</span>
                </div>
            </Show>
        </form>
        {move || pending.get().map(|p| view! {
            <DiffDialog plan=p cautions=cautions.get() on_confirm=confirm on_cancel=Callback::new(move |()| pending.set(None)) saving=saving.into()/>
        })}
    }
}
