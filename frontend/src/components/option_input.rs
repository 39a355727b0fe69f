//! One option's widget, chosen by its kind, with its help, its default, and what the validator says.

use leptos::prelude::*;
use model::catalog::{Kind, OptionSpec};
use model::validate::check_value;

/// A scalar option. `value` is what the person sees and edits.
#[component]
pub fn OptionInput(spec: OptionSpec, value: RwSignal<String>, read_only: bool) -> impl IntoView {
    let name = spec.name();
    let ty = spec.object_type;
    let id = format!("opt-{name}");
    let default = spec.raw.unset.map(|d| match d {
        "true" | "Yes" => "yes",
        "false" | "No" => "no",
        d => d,
    });
    // Two marks: "edited" (by this person, not saved yet) and "not default" (what Asterisk holds differs
    // from its default, whoever set it).
    let loaded = value.get_untracked();
    let edited = move || value.with(|v| *v != loaded);
    let changed = move || default.is_some_and(|d| value.with(|v| v != d));
    let error_id = format!("error-{name}");
    let invalid = move || check_value(ty, name, &value.get()).is_err().to_string();
    let verdict = move || check_value(ty, name, &value.get());
    let input = match spec.kind {
        Kind::Bool => view! {
            <select id=id.clone() prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))
                disabled=read_only aria-invalid=invalid aria-describedby=error_id.clone() data-testid=format!("value-{name}")>
                <option value="yes">"yes"</option>
                <option value="no">"no"</option>
            </select>
        }
        .into_any(),
        Kind::Enum { list: false, .. } => {
            let mut choices: Vec<&str> = spec.raw.tokens.iter().map(|(_, r)| *r).collect();
            choices.dedup();
            choices.sort_unstable();
            choices.dedup();
            view! {
                <select id=id.clone() prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))
                    disabled=read_only aria-invalid=invalid aria-describedby=error_id.clone() data-testid=format!("value-{name}")>
                    {choices.into_iter().map(|c| view! { <option value=c>{if c.is_empty() { "(none)" } else { c }}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        Kind::Reference { target, .. } => {
            // Suggestions from the inventory; Asterisk does not check that the named object exists.
            let list_id = format!("refs-{name}");
            let known = LocalResource::new(move || async move {
                let q = model::api::ListQuery { per_page: 200, ..Default::default() };
                crate::api::inventory(target, &q).await.map(|p| p.items.into_iter().map(|i| i.id).collect::<Vec<_>>()).unwrap_or_default()
            });
            view! {
                <input id=id.clone() type="text" bind:value=value readonly=read_only list=list_id.clone() aria-invalid=invalid aria-describedby=error_id.clone()
                    placeholder=format!("name of a {target}") data-testid=format!("value-{name}")/>
                <datalist id=list_id>
                    {move || known.get().unwrap_or_default().into_iter().map(|k| view! { <option value=k/> }).collect_view()}
                </datalist>
            }
            .into_any()
        }
        _ => view! {
            <input id=id.clone() type="text" bind:value=value readonly=read_only aria-invalid=invalid aria-describedby=error_id.clone()
                inputmode=if matches!(spec.kind, Kind::Integer { .. } | Kind::Float) { "numeric" } else { "text" }
                data-testid=format!("value-{name}")/>
        }
        .into_any(),
    };
    view! {
        <div class="option" class:changed=changed data-testid=format!("option-{name}")>
            <label for=id>
                <code>{name}</code>
                <Show when=edited><span class="badge edited" data-testid=format!("edited-{name}")>"edited"</span></Show>
                <Show when=changed><span class="badge" title="differs from Asterisk's default">"not default"</span></Show>
            </label>
            {input}
            {spec.help.map(|h| view! { <p class="help">{h}</p> })}
            {default.filter(|d| !d.is_empty()).map(|d| view! { <p class="help muted">{format!("Default: {d}")}</p> })}
            {move || match verdict() {
                Err(e) => Some(view! { <p class="field-error" role="alert" id=error_id.clone() data-testid=format!("error-{name}")>{e}</p> }.into_any()),
                Ok(Some(w)) => Some(view! { <p class="field-warning" data-testid=format!("warning-{name}")>{w}</p> }.into_any()),
                Ok(None) => None,
            }}
        </div>
    }
}

/// A secret: write-only. Empty means "keep what Asterisk has".
#[component]
pub fn SecretInput(spec: OptionSpec, value: RwSignal<String>, set: bool) -> impl IntoView {
    let name = spec.name();
    let placeholder = if set {
        "set (hidden) - type to replace"
    } else {
        "not set"
    };
    let ty = spec.object_type;
    view! {
        <div class="option" data-testid=format!("option-{name}")>
            <label for=format!("opt-{name}")><code>{name}</code></label>
            <input id=format!("opt-{name}") type="password" autocomplete="new-password" bind:value=value placeholder=placeholder
                aria-invalid=move || check_value(ty, name, &value.get()).is_err().to_string() aria-describedby=format!("error-{name}")
                data-testid=format!("secret-{name}")/>
            {spec.help.map(|h| view! { <p class="help">{h}</p> })}
            {move || check_value(ty, name, &value.get()).err().map(|e| view! { <p class="field-error" role="alert" id=format!("error-{name}")>{e}</p> })}
        </div>
    }
}
