//! The audit log: every change that reached Asterisk, newest first, in words, with filters and a CSV
//! download.

use leptos::prelude::*;
use model::api::{ApiError, AuditQuery};
use model::id::encode_segment;

use crate::api;
use crate::components::loaded::{Loaded, shown};
use crate::components::time::Time;

/// The query string of the filters (also used for the CSV link).
fn query_string(q: &AuditQuery) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("actor", &q.actor),
        ("type", &q.object_type),
        ("id", &q.id),
        ("since", &q.since),
        ("until", &q.until),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", encode_segment(v)));
        }
    }
    parts.join("&")
}

const PAGE: u32 = 100;

/// A date input's day (`2026-12-03`) as the UTC time of that day's start in the browser's time zone, or of
/// the next day's start (`next`): "until 3 December" includes the whole of the 3rd. Empty when unset.
fn day_start(day: &str, next: bool) -> String {
    let mut parts = day.split('-').map(|p| p.parse::<i32>().unwrap_or(0));
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return String::new();
    };
    let start = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + i32::from(next));
    if start.get_time().is_nan() {
        return String::new();
    }
    start.to_iso_string().into()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let actor = RwSignal::new(String::new());
    let ty = RwSignal::new(String::new());
    let id = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    // Pages of older entries: the `before` cursors walked so far (empty: the newest page).
    let cursors = RwSignal::new(Vec::<i64>::new());
    Effect::new(move |_| {
        for filter in [actor, ty, id, since, until] {
            filter.track();
        }
        cursors.set(Vec::new());
    });
    let query = Memo::new(move |_| {
        let some = |s: String| Some(s).filter(|s| !s.is_empty());
        AuditQuery {
            actor: some(actor.get()),
            object_type: some(ty.get()),
            id: some(id.get()),
            since: some(day_start(&since.get(), false)),
            until: some(day_start(&until.get(), true)),
            before: cursors.with(|c| c.last().copied()),
            limit: PAGE,
        }
    });
    let entries = LocalResource::new(move || {
        let q = query.get();
        // The page's own cursor and size go to the list, not to the CSV (which has everything that matches).
        let mut qs = format!("{}&limit={}", query_string(&q), q.limit);
        if let Some(b) = q.before {
            qs.push_str(&format!("&before={b}"));
        }
        async move { api::audit(&qs).await }
    });
    view! {
        <section>
            <h1>"Audit log"</h1>
            <p class="muted">"Every change that reached Asterisk, newest first. Secrets show only as changed."</p>
            <div class="open-object">
                <label>"Who"<input type="text" bind:value=actor data-testid="audit-actor"/></label>
                <label>"Type"<input type="text" bind:value=ty placeholder="e.g. endpoint" data-testid="audit-type"/></label>
                <label>"Id"<input type="text" bind:value=id data-testid="audit-id"/></label>
                <label>"From"<input type="date" bind:value=since data-testid="audit-since"/></label>
                <label>"Until"<input type="date" bind:value=until data-testid="audit-until"/></label>
                <a href=move || api::url(&format!("/api/audit.csv?{}", query_string(&query.get()))) download="conjure-audit.csv" data-testid="audit-csv">"Download CSV"</a>
            </div>
            <Loaded>
                {move || Suspend::new(async move { shown(async move {
                    let list = entries.await?;
                    let full = list.len() as u32 == PAGE;
                    let last = list.last().map(|e| e.seq);
                    Ok::<_, ApiError>(view! {
                    <div class="actions">
                        <button type="button" disabled=move || cursors.with(Vec::is_empty) on:click=move |_| cursors.update(|c| { c.pop(); }) data-testid="audit-newer">"Newer"</button>
                        <span class="muted" data-testid="audit-page">{move || format!("Page {}", cursors.with(Vec::len) + 1)}</span>
                        <button type="button" disabled=!full on:click=move |_| if let Some(seq) = last { cursors.update(|c| c.push(seq)) } data-testid="audit-older">"Older"</button>
                    </div>
                    <table data-testid="audit" class="list">
                        <thead><tr><th>"When"</th><th>"What happened"</th><th>"From"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|e| view! {
                                <tr data-testid="audit-row">
                                    <td data-label="When"><Time at=e.at/></td>
                                    // The object's type and id in code, as the filters take them.
                                    <td data-label="What">{e.summary}" "<code class="muted">{format!("{} {}", e.object_type, e.id)}</code></td>
                                    <td data-label="From">{e.address}<br/><span class="muted">{e.server}</span></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    }.into_any())
                }.await) })}
            </Loaded>
        </section>
    }
}
