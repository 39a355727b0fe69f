//! Device cookies, as OWASP's guidance on lockout describes them: a browser that signed in as a user
//! gets a cookie that proves it did. Its later attempts for that user are counted by that cookie alone,
//! not by address nor by account, so a stranger's wrong passwords (from the same address, behind the same
//! proxy, from anywhere) never lock that browser out; and its own wrong passwords lock only itself.
//!
//! The cookie is `b64(user).nonce.b64(HMAC-SHA256)`, the MAC keyed by the user's password hash: nothing
//! is stored, it survives a restart, every replica with the same database checks it, and a new password
//! ends the device cookies issued under the old one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use sha2::{Digest, Sha256};

use super::password;

/// The cookie's name, prefixed like the session cookie's when Conjure sets it `Secure`.
pub const COOKIE: &str = "conjure_device";
/// How long a browser is remembered.
pub const MAX_AGE_DAYS: i64 = 180;

fn key(user_hash: &str) -> hmac::Key {
    let material = Sha256::new()
        .chain_update(b"conjure device cookie\0")
        .chain_update(user_hash.as_bytes())
        .finalize();
    hmac::Key::new(hmac::HMAC_SHA256, &material)
}

fn message(user: &str, nonce: &str) -> Vec<u8> {
    [user.as_bytes(), b"\0", nonce.as_bytes()].concat()
}

/// A new device cookie's value for `user`.
pub fn issue(user: &str, user_hash: &str) -> String {
    let nonce = password::random_text::<18>();
    let tag = hmac::sign(&key(user_hash), &message(user, &nonce));
    format!(
        "{}.{nonce}.{}",
        URL_SAFE_NO_PAD.encode(user),
        URL_SAFE_NO_PAD.encode(tag.as_ref())
    )
}

/// The nonce of `cookie` if it was issued for `user` under the hash `user_hash` (else it proves
/// nothing and the attempt is counted as from an unknown browser).
pub fn nonce_for<'a>(cookie: &'a str, user: &str, user_hash: &str) -> Option<&'a str> {
    let mut parts = cookie.splitn(3, '.');
    let (named, nonce, tag) = (parts.next()?, parts.next()?, parts.next()?);
    if URL_SAFE_NO_PAD.decode(named).ok()? != user.as_bytes() || nonce.len() > 32 {
        return None;
    }
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    hmac::verify(&key(user_hash), &message(user, nonce), &tag).ok()?;
    Some(nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_proves_only_its_user_under_its_hash() {
        let c = issue("alice", "$argon2id$one");
        let nonce = nonce_for(&c, "alice", "$argon2id$one").expect("valid");
        assert_eq!(nonce.len(), 24);
        assert_eq!(nonce_for(&c, "bob", "$argon2id$one"), None, "another user");
        assert_eq!(
            nonce_for(&c, "alice", "$argon2id$two"),
            None,
            "a new password"
        );
        let forged = format!("{}x", &c[..c.len() - 1]);
        assert_eq!(nonce_for(&forged, "alice", "$argon2id$one"), None);
        assert_eq!(nonce_for("garbage", "alice", "$argon2id$one"), None);
        assert_ne!(
            issue("alice", "h"),
            issue("alice", "h"),
            "each browser its own"
        );
    }
}
