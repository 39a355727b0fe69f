//! The panel's files. index.html is read once at start, rewritten for the base path (trunk writes
//! root-absolute asset URLs) and served from memory with a CSP that allows its one inline script by hash.

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::headers;

#[derive(Default)]
pub struct Index {
    /// `None` when the panel is not built.
    pub html: Option<bytes::Bytes>,
    /// `html` compressed with brotli once at start: it is part of every first visit.
    pub html_br: Option<bytes::Bytes>,
    pub csp: Option<HeaderValue>,
}

impl Index {
    pub fn load(dist: &Path, base: &str, frame_ancestors: &[String]) -> Index {
        let html = std::fs::read_to_string(dist.join("index.html"))
            .ok()
            .map(|h| with_base(&h, base));
        let csp =
            headers::content_security_policy(html.as_deref().unwrap_or_default(), frame_ancestors);
        Index {
            html_br: html.as_deref().map(compress),
            html: html.map(Into::into),
            csp: Some(HeaderValue::from_str(&csp).expect("the CSP is ASCII")),
        }
    }
}

fn compress(html: &str) -> bytes::Bytes {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        std::io::Write::write_all(&mut w, html.as_bytes()).expect("writing to memory");
    }
    out.into()
}

/// Prefixes trunk's root-absolute URLs with `base` and tells the app its base in a meta element.
/// trunk's minified output omits `<head>` and the quotes of attribute values (`href=/main-….css`), so
/// both spellings are handled.
pub fn with_base(html: &str, base: &str) -> String {
    let meta = format!(r#"<meta name="conjure-base" content="{base}">"#);
    let html = match html
        .find("<head>")
        .map(|at| at + "<head>".len())
        .or_else(|| html.find("<meta"))
    {
        Some(at) => format!("{}{meta}{}", &html[..at], &html[at..]),
        None => html.to_string(),
    };
    if base.is_empty() {
        return html;
    }
    html.replace(r#"href="/"#, &format!(r#"href="{base}/"#))
        .replace("href=/", &format!("href={base}/"))
        .replace("from '/", &format!("from '{base}/"))
        .replace("module_or_path: '/", &format!("module_or_path: '{base}/"))
}

/// Whether a file name carries trunk's content hash (`main-1a2b3c4d5e6f7a8b.css`,
/// `frontend-…_bg.wasm`): such a name always means the same bytes, so browsers may keep it for good.
fn content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // Trunk writes the 64-bit hash in hex without leading zeros: one build in 16 has 15 digits (seen:
    // `frontend-654bf167c092c9a.js` was revalidated on every visit while 16 digits were required).
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() >= 12 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An asset from `dist` (the brotli or gzip copy `cargo xtask` made, when the browser takes it), or
/// index.html for the app's own routes.
pub async fn serve(dist: &Path, index: &Index, req: Request) -> Response {
    let csp = index
        .csp
        .clone()
        .unwrap_or(HeaderValue::from_static("default-src 'none'"));
    let Some(html) = &index.html else {
        let mut r = (
            StatusCode::SERVICE_UNAVAILABLE,
            "The panel is not built: run `cargo xtask run`, which builds it with trunk.",
        )
            .into_response();
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, csp);
        return r;
    };
    let path = req.uri().path().to_string();
    let takes_br = accepts_br(req.headers().get(header::ACCEPT_ENCODING));
    let from_disk = if path == "/" || path.ends_with("/index.html") {
        None
    } else {
        // Deep links (`/objects/identify/203.0.113.5`) are not files: they get the index.
        let files = ServeDir::new(dist).precompressed_br().precompressed_gzip();
        match files.oneshot(req).await {
            Ok(r) if r.status() != StatusCode::NOT_FOUND => {
                let mut r = r.into_response();
                let cache = if content_hashed(&path) {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
                Some(r)
            }
            _ => None,
        }
    };
    let subresource = from_disk.is_some() && is_subresource(&path);
    let mut resp = from_disk.unwrap_or_else(|| {
        let mut r = match (&index.html_br, takes_br) {
            (Some(br), true) => {
                let mut r = Response::new(Body::from(br.clone()));
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                r
            }
            _ => Response::new(Body::from(html.clone())),
        };
        r.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // The index names the hashed assets of one build; it must be fetched anew after an upgrade.
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        r
    });
    // The policy matters where a browser renders something: the panel's page and anything a browser could
    // open as a page. JSON answers of the API and the ARI door go without it (it measured 20% of the door's
    // throughput), and so do scripts, style sheets and wasm, which the loading page's policy governs:
    // sending it with them again only costs bytes on every first visit.
    if !subresource {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    resp
}

/// Whether `Accept-Encoding` lists brotli (with a weight other than zero).
fn accepts_br(value: Option<&HeaderValue>) -> bool {
    value
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(',')
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|e| e.eq_ignore_ascii_case("br"))
                && parts
                    .find_map(|p| p.strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_none_or(|q| q > 0.0)
        })
}

fn is_subresource(path: &str) -> bool {
    [".wasm", ".js", ".css"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_only_when_the_browser_takes_it() {
        let h = |v: &'static str| Some(HeaderValue::from_static(v));
        assert!(accepts_br(h("gzip, deflate, br, zstd").as_ref()));
        assert!(accepts_br(h("br;q=0.5").as_ref()));
        assert!(!accepts_br(h("gzip, br;q=0").as_ref()));
        assert!(!accepts_br(h("gzip").as_ref()));
        assert!(!accepts_br(None));
    }

    #[test]
    fn only_trunks_hashed_names_are_kept_for_good() {
        assert!(content_hashed("/frontend-7c1f2e3d4b5a6978_bg.wasm"));
        assert!(content_hashed("/pbx/main-0123456789abcdef.css"));
        assert!(content_hashed("/frontend-7c1f2e3d4b5a6978.js"));
        assert!(content_hashed("/frontend-654bf167c092c9a.js"));
        assert!(!content_hashed("/favicon.ico"));
        assert!(!content_hashed("/main.css"));
        assert!(!content_hashed("/my-portal-theme.css"));
    }

    #[test]
    fn base_prefixes_every_trunk_url() {
        let html = "<head><link rel=\"stylesheet\" href=\"/main.css\"/><script type=\"module\">import init from '/f.js';\n\
                    await init({ module_or_path: '/f_bg.wasm' });</script><link rel=\"modulepreload\" href=\"/f.js\"></head>";
        let out = with_base(html, "/conjure");
        assert!(out.contains(r#"<meta name="conjure-base" content="/conjure">"#));
        assert!(
            out.contains(r#"href="/conjure/main.css""#) && out.contains(r#"href="/conjure/f.js""#)
        );
        assert!(
            out.contains("from '/conjure/f.js'")
                && out.contains("module_or_path: '/conjure/f_bg.wasm'")
        );
        assert!(!with_base(html, "").contains("/conjure"));
        // As trunk minifies it: no <head>, no quotes.
        let minified =
            "<!doctype html><html lang=en><meta charset=utf-8><link href=/main.css rel=stylesheet>";
        let out = with_base(minified, "/conjure");
        assert!(
            out.contains(
                r#"<html lang=en><meta name="conjure-base" content="/conjure"><meta charset"#
            ),
            "{out}"
        );
        assert!(out.contains("href=/conjure/main.css"), "{out}");
    }
}
