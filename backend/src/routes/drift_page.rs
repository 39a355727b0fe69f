//! `/drift`: the drift page. Its HTML is made here from the built index.html (for the stylesheet trunk
//! named), and its script is `drift.js` (frontend/drift.js, copied by trunk): a page outside the wasm
//! panel, so the panel's first visit does not carry it.

/// The page, or `None` when the panel is not built. `index` is index.html with the base path applied.
pub fn page(index: &str, base: &str) -> Option<String> {
    let main = format!(
        r#"<main class="drift-page">
<p><a href="{base}/">Back to the panel</a></p>
<p><a href="{base}/fleet">All servers</a></p>
<h1>Drift: Asterisk against Conjure's record</h1>
<p id="drift-server" data-testid="drift-server"></p>
<p>Objects Conjure manages that Asterisk lost or holds differently, and endpoints on Asterisk that Conjure does
not manage. Conjure puts lost objects back by itself after a restart; here you decide about the others.</p>
<p id="drift-status" role="status" data-testid="drift-status"></p>
<p id="drift-done" role="status" data-testid="drift-done"></p>
<p>
<button type="button" id="drift-refresh" data-testid="drift-refresh">Compare again</button>
<button type="button" data-bulk="reapply">Put Conjure's version back for the selected</button>
<button type="button" data-bulk="adopt">Keep Asterisk's version for the selected</button>
</p>
<table id="drift-table" hidden>
<thead><tr><th>Select</th><th>Type</th><th>Id</th><th>State</th><th>Differences</th><th>Actions</th></tr></thead>
<tbody id="drift-rows"></tbody>
</table>
</main>"#,
        base = base.replace('"', "")
    );
    shell(index, base, "Drift", &main, "drift.js")
}

/// A page outside the panel: its `<main>`, the panel's stylesheet, and `script` after the helpers
/// those pages share (frontend/side.js).
pub(crate) fn shell(
    index: &str,
    base: &str,
    title: &str,
    main: &str,
    script: &str,
) -> Option<String> {
    let css = stylesheet(index)?;
    let base = base.replace('"', "");
    Some(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Conjure</title>
<link rel="icon" href="data:,">
{css}
</head>
<body data-base="{base}">
{main}
<script src="{base}/side.js"></script>
<script src="{base}/{script}"></script>
</body>
</html>
"#
    ))
}

/// The stylesheet tag trunk wrote into index.html (pages outside the panel share it).
pub(crate) fn stylesheet(index: &str) -> Option<&str> {
    // trunk's minifier may put the attributes in any order (and drop the quotes).
    index
        .match_indices("<link")
        .filter_map(|(at, _)| Some(&index[at..at + index[at..].find('>')? + 1]))
        .find(|tag| tag.contains("stylesheet"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_takes_the_panels_stylesheet_and_base() {
        let index = r#"<head><link rel="icon" href="data:," /><link rel="stylesheet" href="/pbx/main-1.css" integrity="sha384-x"/></head>"#;
        let page = super::page(index, "/pbx").unwrap();
        assert!(
            page.contains(
                r#"<link rel="stylesheet" href="/pbx/main-1.css" integrity="sha384-x"/>"#
            )
        );
        assert!(page.contains(r#"<script src="/pbx/drift.js"></script>"#));
        assert!(super::page("<head></head>", "").is_none());
        let minified = r#"<link href="data:," rel="icon"><link href="/main-1.css" rel=stylesheet>"#;
        let page = super::page(minified, "").unwrap();
        assert!(page.contains(r#"<link href="/main-1.css" rel=stylesheet>"#));
    }
}
