//! `asterisk-sim`: a simulation of Asterisk 22.10.1's ARI push configuration (`/ari/asterisk/config/dynamic/…`),
//! good enough that Conjure cannot tell it from the real thing. It reproduces the recorded transcript of a real
//! Asterisk, including the request bodies that crash it: for those it closes the connection without an answer
//! and forgets its memory-backed objects, as a restarted Asterisk would.
//!
//! Use it in-process ([`Sim::handle`]) or over HTTP ([`serve`], the `asterisk-sim` binary).

pub mod catalog;
mod http;
mod object;
mod sim;
pub mod value;

pub use catalog::Backend;
pub use http::{serve, serve_tls};
pub use sim::{Outcome, Request, Response, Sim, User, default_users};

/// Asterisk's legacy URI decoding: `%XX` decoded, `+` is a space, broken escapes kept as they are.
pub fn decode_component(raw: &str) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("ascii");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// The simulator's own name for a PJSIP type (`auth`, `domain_alias`, …), for a sorcery layout given
/// as text; `None` for a type it does not know.
pub fn type_name(name: &str) -> Option<&'static str> {
    catalog::catalog()
        .types
        .keys()
        .copied()
        .find(|t| *t == name)
}
