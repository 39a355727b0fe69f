//! Things said in words: counts ("1 phone user", "2 phone users"), an error with its hint on one line,
//! and what a change did on each server.

use model::api::ApiError;
use model::fleet::{Outcome, ServerOutcome};

/// `n` and `thing`, with an "s" unless there is one.
pub fn count(n: impl Into<u64>, thing: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// An error for a status line: its message, then Conjure's hint.
pub fn said(e: &ApiError) -> String {
    match &e.hint {
        Some(h) => format!("{}. {h}", e.message.trim_end_matches('.')),
        None => e.message.clone(),
    }
}

/// `default: applied; b: refused (its words)`.
pub fn per_server(servers: &[ServerOutcome]) -> String {
    servers
        .iter()
        .map(|o| {
            let what = match o.outcome {
                Outcome::Applied => "applied",
                Outcome::Refused => "refused",
                Outcome::Queued => "queued",
            };
            if o.message.is_empty() {
                format!("{}: {what}", o.server)
            } else {
                format!("{}: {what} ({})", o.server, o.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular() {
        assert_eq!(super::count(1u32, "phone user"), "1 phone user");
        assert_eq!(super::count(0u32, "phone user"), "0 phone users");
        assert_eq!(super::count(152u64, "edit"), "152 edits");
    }

    #[test]
    fn each_server_is_named_with_what_happened_there() {
        use model::fleet::{Outcome, ServerOutcome};
        let o = |server: &str, outcome, message: &str| ServerOutcome {
            server: server.into(),
            outcome,
            message: message.into(),
            hint: String::new(),
        };
        assert_eq!(
            super::per_server(&[
                o("default", Outcome::Applied, ""),
                o("b", Outcome::Refused, "no")
            ]),
            "default: applied; b: refused (no)"
        );
    }
}
