//! How a page looks to other people: at another width and colour scheme (Chromium's DevTools protocol,
//! through chromedriver, as its device toolbar does), whether it fits, and what axe-core finds.

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;

/// One DevTools command (`Emulation.*`) sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The window's width (its height stays 900) and `prefers-color-scheme`, for the pages loaded after.
pub async fn emulate(c: &Client, width: u32, dark: bool) {
    let metrics = serde_json::json!({
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false
    });
    let scheme = if dark { "dark" } else { "light" };
    let media = serde_json::json!({
        "features": [{ "name": "prefers-color-scheme", "value": scheme }]
    });
    for (cmd, params) in [
        ("Emulation.setDeviceMetricsOverride", metrics),
        ("Emulation.setEmulatedMedia", media),
    ] {
        c.issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    }
}

/// The browser's time zone (an IANA name), as a person elsewhere has it.
pub async fn time_zone(c: &Client, zone: &str) {
    let params = serde_json::json!({ "timezoneId": zone });
    c.issue_cmd(Cdp {
        cmd: "Emulation.setTimezoneOverride",
        params,
    })
    .await
    .unwrap_or_else(|e| panic!("Emulation.setTimezoneOverride: {e}"));
}

/// What sticks out past the viewport's right edge, if anything: the page's width and the widest
/// elements, e.g. `828 px wide: table.list (828 px)`.
pub async fn overflow(c: &Client) -> Option<String> {
    let v = c
        .execute(
            "const w = document.documentElement.clientWidth;
             const page = document.documentElement.scrollWidth;
             if (page <= w) return null;
             const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > w + 1)
               .map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`
                         + `${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''} (${Math.round(e.getBoundingClientRect().right)} px)`);
             return `${page} px wide in ${w}: ${wide.slice(-6).join(', ')}`;",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().map(str::to_string)
}

/// axe-core's violations of impact "serious" or "critical" on the page as it is now, one line each.
pub async fn axe(c: &Client) -> Vec<String> {
    let path = crate::root().join("target/npm/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run scripts/setup.sh, which installs axe-core)",
            path.display()
        )
    });
    c.execute(&source, vec![]).await.unwrap();
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}`)))
               .catch(e => done([`axe failed: ${e}`]));",
            vec![],
        )
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap_or_default().to_string())
        .collect()
}
