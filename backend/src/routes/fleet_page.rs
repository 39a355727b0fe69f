//! `/fleet`: every server, its state, and the changes waiting for it; admins add, disable and remove
//! servers here. Like the drift page, a page outside the wasm panel (frontend/fleet.js, copied by
//! trunk), so the panel's first visit does not carry it.

/// The page, or `None` when the panel is not built. `index` is index.html with the base path applied.
pub fn page(index: &str, base: &str) -> Option<String> {
    let main = format!(
        r#"<main class="drift-page">
<p><a href="{base}/">Back to the panel</a></p>
<h1>Servers</h1>
<p>Every Asterisk server Conjure keeps in step. A change goes to every enabled server; one that does not
answer gets it when it is back, in order. A server that restarts gets back what Conjure manages.</p>
<p id="fleet-status" role="status" data-testid="fleet-status"></p>
<table id="fleet-servers">
<thead><tr><th>Server</th><th>ARI URL</th><th>Groups</th><th>State</th><th>Asterisk</th><th>Objects</th><th>Waiting</th><th>Actions</th></tr></thead>
<tbody id="fleet-rows"></tbody>
</table>
<h2>Changes waiting for a server</h2>
<p id="fleet-none" data-testid="fleet-none">None: every server has every change.</p>
<table id="fleet-pending" hidden>
<thead><tr><th>Server</th><th>Change</th><th>Since</th><th>Tries</th><th>Last error</th><th>Actions</th></tr></thead>
<tbody id="fleet-pending-rows"></tbody>
</table>
<h2>Changes some servers refused</h2>
<p id="split-none" data-testid="split-none">None: every change went everywhere it could.</p>
<table id="fleet-split" hidden>
<thead><tr><th>Change</th><th>Applied on</th><th>Refused by</th><th>When</th><th>Actions</th></tr></thead>
<tbody id="fleet-split-rows"></tbody>
</table>
<section id="fleet-move" hidden>
<h2>Where an object goes</h2>
<p>Every server, unless its target names servers (<code>server:b</code>) or groups (<code>group:site-berlin</code>).
Moving an object pushes it where it arrives and deletes it where it leaves.</p>
<form id="move-form" data-testid="move-form">
<p><label>Type <input name="type" data-testid="move-type" required placeholder="endpoint"></label>
<label>Id <input name="id" data-testid="move-id" required placeholder="2041"></label>
<button type="button" id="move-look" data-testid="move-look">Look up</button></p>
<p id="move-now" role="status" data-testid="move-now"></p>
<p><label>New target (empty: every server) <input name="target" data-testid="move-target" placeholder="group:site-berlin, server:b"></label>
<button type="submit" data-testid="move-submit">Move</button></p>
</form>
</section>
<section id="fleet-add" hidden>
<h2>Add a server</h2>
<p>Conjure checks the credentials and creates and deletes a test object of each type, to see what that
server's sorcery.conf lets it write.</p>
<form id="fleet-form" data-testid="fleet-form">
<p><label>Name <input name="name" data-testid="fleet-name" required pattern="[a-z0-9_-]{{1,40}}" placeholder="site-berlin"></label></p>
<p><label>ARI URL <input name="ari_url" data-testid="fleet-url" required placeholder="http://pbx2:8088"></label></p>
<p><label>ARI user <input name="ari_user" data-testid="fleet-user" required autocomplete="off"></label></p>
<p><label>ARI password <input name="ari_password" data-testid="fleet-password" type="password" required autocomplete="new-password"></label></p>
<p><label>CA file (https with a private CA; optional) <input name="ca_file" data-testid="fleet-ca"></label></p>
<p><label>Groups (separated by commas; optional) <input name="groups" data-testid="fleet-groups" placeholder="site-berlin, redundant-pair"></label></p>
<p><button type="submit" data-testid="fleet-submit">Check and add</button></p>
</form>
<p id="fleet-added" role="status" data-testid="fleet-added"></p>
</section>
</main>"#,
        base = base.replace('"', "")
    );
    super::drift_page::shell(index, base, "Servers", &main, "fleet.js")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_takes_the_panels_stylesheet_and_base() {
        let index = r#"<link href="/pbx/main-1.css" rel=stylesheet>"#;
        let page = super::page(index, "/pbx").unwrap();
        assert!(page.contains(index));
        assert!(page.contains(r#"<script src="/pbx/fleet.js"></script>"#));
        assert!(page.contains(r#"pattern="[a-z0-9_-]{1,40}""#));
        assert!(super::page("<head></head>", "").is_none());
    }
}
