//! Security headers. The Content-Security-Policy allows only the app's own files: scripts from Conjure,
//! WebAssembly compilation, and the one inline module script trunk writes into index.html (by its hash,
//! computed from the built file at start-up, so a rebuilt panel needs no configuration).

use base64::Engine;
use sha2::{Digest, Sha256};

/// The CSP for the panel whose index.html is `index`, framable only by `frame_ancestors` (none when empty).
pub fn content_security_policy(index: &str, frame_ancestors: &[String]) -> String {
    let hashes: String = inline_scripts(index)
        .map(|body| {
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes()))
            )
        })
        .collect();
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_string()
    } else {
        frame_ancestors.join(" ")
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}"
    )
}

/// The bodies of `<script>` elements without a `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (tag, after) = rest.split_once('>')?;
        if tag.contains("src=") {
            return None;
        }
        after.split_once("</script>").map(|(body, _)| body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_each_inline_script_and_nothing_else() {
        let html = r#"<script type="module">init()</script><script src="/x.js"></script>"#;
        let scripts: Vec<_> = inline_scripts(html).collect();
        assert_eq!(scripts, vec!["init()"]);
    }
}
