//! The "new phone user" wizard: extension, name, template, optional password and voicemail. Conjure makes
//! the auth, the aor and the endpoint, or nothing, and shows what the phone needs.

use leptos::prelude::*;
use model::provision::{NewPhoneUser, rules};

use crate::api;
use crate::components::error_box::ErrorBox;
use crate::components::phone_setup::SetupCard;

#[component]
pub fn NewPhoneUserPage() -> impl IntoView {
    let extension = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let voicemail = RwSignal::new(false);
    let create = crate::act::action(|new: &NewPhoneUser| {
        let new = new.clone();
        async move { api::create_phone_user(&new).await }
    });
    let error = move || create.value().get().and_then(Result::err);
    // Whether the user is made: a memo, so an error answer does not redraw the form the person is in.
    let made = Memo::new(move |_| create.value().with(|v| matches!(v, Some(Ok(_)))));
    let done = move || {
        made.get()
            .then(|| create.value().get_untracked().and_then(Result::ok))
            .flatten()
    };
    let templates = LocalResource::new(api::templates);
    let next = LocalResource::new(move || {
        create.version().track();
        api::next_extension()
    });
    // The backend's own rules, as the person types (an empty field is not an error until submitted:
    // `required` says that).
    let shown = |r: Result<(), String>| r.err();
    let ext_problem = Memo::new(move |_| {
        let e = extension.get();
        (!e.is_empty())
            .then(|| shown(rules::extension(&e)))
            .flatten()
    });
    let name_problem = Memo::new(move |_| {
        let n = name.get();
        (!n.is_empty()).then(|| shown(rules::name(&n))).flatten()
    });
    let password_problem =
        Memo::new(move |_| shown(rules::password(&extension.get(), &password.get())));
    let blocked = move || {
        create.pending().get()
            || ext_problem.with(Option::is_some)
            || name_problem.with(Option::is_some)
            || password_problem.with(Option::is_some)
    };
    let problem = |id: &'static str, p: Memo<Option<String>>| {
        move || {
            p.get()
                .map(|m| view! { <span class="field-error" id=id role="alert">{m}</span> })
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ext = extension.get_untracked();
        let new = NewPhoneUser {
            voicemail: if voicemail.get_untracked() {
                "yes".into()
            } else {
                String::new()
            },
            extension: ext,
            name: name.get_untracked(),
            password: password.get_untracked().into(),
            template: template.get_untracked(),
        };
        create.dispatch(new);
    };
    let again = move |_| {
        for s in [extension, name, password] {
            s.set(String::new());
        }
        create.value().set(None);
    };
    move || {
        match done() {
        Some(s) => view! {
            <section>
                <h1>"Phone user ready"</h1>
                <SetupCard setup=s/>
                <p class="actions no-print">
                    <button type="button" class="primary" on:click=again>"Add another"</button>
                    {crate::nav::link("/phone-users".into(), "All phone users".into())}
                </p>
            </section>
        }.into_any(),
        None => view! {
            <section>
                <h1>"New phone user"</h1>
                <p class="muted">"Conjure creates the user's SIP account (auth), where their phone registers (aor) and the phone line itself (endpoint). If a step fails, nothing is left behind."</p>
                <form class="stacked-form" on:submit=submit data-testid="phone-user-form">
                    <label>"Extension (also the SIP user name)" <input type="text" required inputmode="numeric" placeholder="2041" bind:value=extension
                        aria-invalid=move || ext_problem.with(Option::is_some).to_string() aria-describedby="pu-extension-error" data-testid="pu-extension"/>
                        {problem("pu-extension-error", ext_problem)}</label>
                    // A suggestion, not a prefill: what the person types is never overwritten.
                    {move || next.get().and_then(Result::ok).flatten().map(|n| view! {
                        <p class="help">"Next free extension: "
                            <button type="button" class="link" data-testid="pu-next" on:click=move |_| extension.set(n.clone())>{format!("use {n}")}</button></p>
                    })}
                    <label>"Name, shown to the people called" <input type="text" required placeholder="Anna Berg" bind:value=name
                        aria-invalid=move || name_problem.with(Option::is_some).to_string() aria-describedby="pu-name-error" data-testid="pu-name"/>
                        {problem("pu-name-error", name_problem)}</label>
                    <label>"Kind of phone"
                        <select on:change=move |ev| template.set(event_target_value(&ev)) data-testid="pu-template">
                            {move || templates.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| {
                                let label = format!("{}: {}", t.name, t.description);
                                view! { <option value=t.name>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>"Password (leave empty for a strong generated one)" <input type="password" autocomplete="new-password" bind:value=password
                        aria-invalid=move || password_problem.with(Option::is_some).to_string() aria-describedby="pu-password-error" data-testid="pu-password"/>
                        {problem("pu-password-error", password_problem)}</label>
                    <label class="inline"><input type="checkbox" bind:checked=voicemail data-testid="pu-voicemail"/>" Voicemail box with the same number"</label>
                    {move || error().map(|e| view! { <ErrorBox error=e/> })}
                    <button type="submit" class="primary" disabled=blocked data-testid="pu-create">"Create phone user"</button>
                </form>
            </section>
        }.into_any(),
    }
    }
}
