//! An ordered codec list: the first codec is preferred. Saving sends `disallow=all` then `allow=…`, so
//! Asterisk ends up with exactly this list in this order.

use leptos::prelude::*;
use model::codecs::KNOWN;

#[component]
pub fn CodecPicker(codecs: RwSignal<Vec<String>>) -> impl IntoView {
    let adding = RwSignal::new(String::new());
    let add = move |_| {
        let c = adding.get_untracked();
        if !c.is_empty() {
            codecs.update(|l| {
                if !l.contains(&c) {
                    l.push(c)
                }
            });
            adding.set(String::new());
        }
    };
    let shift = move |i: usize, up: bool| {
        codecs.update(|l| {
            let j = if up {
                i.checked_sub(1)
            } else {
                Some(i + 1).filter(|j| *j < l.len())
            };
            if let Some(j) = j {
                l.swap(i, j);
            }
        })
    };
    view! {
        <div class="codecs" data-testid="codec-picker">
            <ol>
                {move || codecs.get().into_iter().enumerate().map(|(i, c)| {
                    let name = c.clone();
                    view! {
                        <li data-testid=format!("codec-{c}")>
                            <code>{c.clone()}</code>
                            <button type="button" class="link" on:click=move |_| shift(i, true) aria-label=format!("Move {c} up") data-testid=format!("codec-up-{c}")>"↑"</button>
                            <button type="button" class="link" on:click=move |_| shift(i, false) aria-label=format!("Move {c} down")>"↓"</button>
                            <button type="button" class="link" on:click=move |_| codecs.update(|l| l.retain(|x| *x != name)) aria-label=format!("Remove {c}") data-testid=format!("codec-remove-{c}")>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <label>
                "Add codec"
                <select prop:value=move || adding.get() on:change=move |ev| adding.set(event_target_value(&ev)) data-testid="codec-add">
                    <option value="">"choose…"</option>
                    {KNOWN.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
                </select>
            </label>
            <button type="button" on:click=add data-testid="codec-add-button">"Add"</button>
            <Show when=move || codecs.with(Vec::is_empty)>
                <p class="field-error" role="alert">"An endpoint needs at least one codec; without one Asterisk can never update it again."</p>
            </Show>
        </div>
    }
}
