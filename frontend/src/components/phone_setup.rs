//! What a phone needs to register, to print or copy: shown after creating a user or a new password.

use leptos::prelude::*;
use model::provision::PhoneSetup;

#[component]
pub fn SetupCard(setup: PhoneSetup) -> impl IntoView {
    let password = setup.password.as_ref().map_or_else(
        || "(the one you typed)".to_string(),
        |p| p.expose().to_string(),
    );
    // Never a guess: the address Conjure reaches Asterisk by is often not the one phones can reach.
    let server = setup.server.clone().unwrap_or_else(|| {
        "not set: ask your administrator (Conjure's --sip-server setting)".into()
    });
    let text = format!(
        "{} ({})\nSIP server: {server}\nUser name: {}\nPassword: {password}\nTransport: {}\n",
        setup.user.name, setup.user.extension, setup.username, setup.transport
    );
    let copied = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        // Browsers offer the clipboard only to https pages (and localhost); elsewhere it is undefined.
        let navigator = window().navigator();
        let available =
            js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|c| !c.is_undefined());
        copied.set(Some(if available {
            let _ = navigator.clipboard().write_text(&text);
            "Copied"
        } else {
            "This browser allows copying only on https pages: select the text and copy it"
        }));
    };
    view! {
        <div class="setup-card" data-testid="phone-setup">
            <h2>{format!("{} · extension {}", setup.user.name, setup.user.extension)}</h2>
            <dl>
                <dt>"SIP server"</dt><dd data-testid="setup-server" class:muted=setup.server.is_none()>{server}</dd>
                <dt>"User name"</dt><dd data-testid="setup-username">{setup.username}</dd>
                <dt>"Password"</dt><dd><code class="secret" data-testid="setup-password">{password}</code></dd>
                <dt>"Transport"</dt><dd>{setup.transport}</dd>
            </dl>
            <p class="muted">"Conjure does not show a generated password again: copy or print it now."</p>
            <p class="actions no-print">
                <button type="button" on:click=copy data-testid="copy-setup">{move || copied.get().unwrap_or("Copy")}</button>
                <button type="button" on:click=|_| { let _ = window().print(); }>"Print"</button>
            </p>
        </div>
    }
}
