//! Adding a server to the fleet (admins): Conjure checks the credentials and what the server's
//! sorcery.conf lets it write before it stores anything. When objects with secrets would go to the new
//! server, the backend refuses with code `confirm-secrets` until the admin agrees in the dialog.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::fleet::{NewServer, ServerAdded};

use crate::api;
use crate::components::ask::{Ask, ask};
use crate::words::said;

#[component]
pub fn AddServer() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let ca_file = RwSignal::new(String::new());
    let groups = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    let added = move |a: ServerAdded| {
        let not: Vec<String> = a
            .probe
            .types
            .iter()
            .filter(|t| !t.writable)
            .map(|t| format!("{} ({})", t.object_type, t.message))
            .collect();
        let types = if not.is_empty() {
            format!("not writable there: {}.", not.join("; "))
        } else {
            "every type is writable.".into()
        };
        result.set(format!(
            "{} added: Asterisk {}; {types}",
            a.server.name, a.probe.version
        ));
        for s in [name, url, user, password, ca_file, groups] {
            s.set(String::new());
        }
    };
    let send = move |new: NewServer| {
        spawn_local(async move {
            match api::add_server(&new).await {
                Ok(a) => added(a),
                // Secrets go to a server only once a person has said it is theirs.
                Err(e) if e.code.as_deref() == Some("confirm-secrets") => ask(Ask {
                    title: format!("Send secrets to {}?", new.name),
                    consequence: format!("{}. Send them?", e.message.trim_end_matches('.')),
                    preview: vec![],
                    yes: "Send the secrets".into(),
                    on_yes: Callback::new(move |()| {
                        let new = NewServer {
                            confirm_secrets: true,
                            ..new.clone()
                        };
                        spawn_local(async move {
                            match api::add_server(&new).await {
                                Ok(a) => added(a),
                                Err(e) => result.set(said(&e)),
                            }
                        });
                    }),
                }),
                Err(e) => result.set(said(&e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ca = ca_file.get_untracked().trim().to_string();
        let new = NewServer {
            name: name.get_untracked().trim().to_string(),
            ari_url: url.get_untracked().trim().to_string(),
            ari_user: user.get_untracked(),
            ari_password: password.get_untracked(),
            ca_file: (!ca.is_empty()).then_some(ca),
            groups: groups
                .get_untracked()
                .split(',')
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_string)
                .collect(),
            enabled: true,
            confirm_secrets: false,
        };
        result.set("Checking the server…".into());
        send(new);
    };
    view! {
        <h2>"Add a server"</h2>
        <p class="muted">
            "Conjure checks the credentials and creates and deletes a test object of each type, to see what that "
            "server's sorcery.conf lets it write."
        </p>
        <form class="stacked-form" on:submit=submit data-testid="fleet-form">
            <label>"Name" <input required pattern="[a-z0-9_-]{1,40}" placeholder="site-berlin" bind:value=name data-testid="fleet-name"/></label>
            <label>"ARI URL" <input required placeholder="http://pbx2:8088" bind:value=url data-testid="fleet-url"/></label>
            <label>"ARI user" <input required autocomplete="off" bind:value=user data-testid="fleet-user"/></label>
            <label>"ARI password" <input type="password" required autocomplete="new-password" bind:value=password data-testid="fleet-password"/></label>
            <label>"CA file (https with a private CA; optional)" <input bind:value=ca_file on:change=move |ev| ca_file.set(event_target_value(&ev)) data-testid="fleet-ca"/></label>
            <label>"Groups (separated by commas; optional)" <input placeholder="site-berlin, redundant-pair" bind:value=groups on:change=move |ev| groups.set(event_target_value(&ev)) data-testid="fleet-groups"/></label>
            <p><button type="submit" class="primary" data-testid="fleet-submit">"Check and add"</button></p>
        </form>
        <p role="status" data-testid="fleet-added">{move || result.get()}</p>
    }
}
