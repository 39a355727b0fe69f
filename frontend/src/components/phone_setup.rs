//! What a phone needs to register, to print or copy: shown after creating a user or a new password.

use leptos::prelude::*;
use model::provision::PhoneSetup;

#[component]
pub fn SetupCard(setup: PhoneSetup) -> impl IntoView {
    let password = setup
        .password
        .clone()
        .unwrap_or_else(|| "(the one you typed)".into());
    let text = format!(
        "{} ({})\nSIP server: {}\nUser name: {}\nPassword: {password}\nTransport: {}\n",
        setup.user.name, setup.user.extension, setup.server, setup.username, setup.transport
    );
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&text);
        copied.set(true);
    };
    view! {
        <div class="setup-card" data-testid="phone-setup">
            <h2>{format!("{} · extension {}", setup.user.name, setup.user.extension)}</h2>
            <dl>
                <dt>"SIP server"</dt><dd>{setup.server}</dd>
                <dt>"User name"</dt><dd data-testid="setup-username">{setup.username}</dd>
                <dt>"Password"</dt><dd><code class="secret" data-testid="setup-password">{password}</code></dd>
                <dt>"Transport"</dt><dd>{setup.transport}</dd>
            </dl>
            <p class="muted">"Conjure does not show a generated password again: copy or print it now."</p>
            <p class="actions no-print">
                <button type="button" on:click=copy data-testid="copy-setup">{move || if copied.get() { "Copied" } else { "Copy" }}</button>
                <button type="button" on:click=|_| { let _ = window().print(); }>"Print"</button>
            </p>
        </div>
    }
}
