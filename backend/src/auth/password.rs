//! Password hashing (argon2id with the crate's recommended cost), generated secrets, and the password rule.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;

/// `n` bytes from the operating system's CSPRNG (`getrandom`).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    b
}

/// URL-safe text carrying `N` random bytes.
pub fn random_text<const N: usize>() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<N>())
}

/// A password for a person to type or paste: 20 characters without look-alikes (0/O, 1/l/I), each
/// drawn evenly from the 56 (bytes from 224 up are drawn again, so no letter is likelier): 116 bits.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let even = 256 - 256 % ALPHABET.len();
    let mut out = String::with_capacity(20);
    while out.len() < 20 {
        for b in random_bytes::<32>() {
            if (b as usize) < even && out.len() < 20 {
                out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
            }
        }
    }
    out
}

/// The argon2id hash of `password` in PHC form (slow on purpose: run it off the async threads).
pub fn hash(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes make a valid salt");
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail on a valid salt")
        .to_string()
}

/// Whether `password` matches the PHC `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Why a new password is refused, in words for the person choosing it.
pub fn check_new(user: &str, password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err(format!(
            "The password is {chars} characters long; use at least 10 (a short sentence works well)."
        ));
    }
    if chars > 512 {
        return Err("The password is longer than 512 characters.".into());
    }
    if password.eq_ignore_ascii_case(user) {
        return Err("The password must not be the user name.".into());
    }
    Ok(())
}

/// User names: what fits in a URL segment, an audit column and a log line without escaping.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'));
    if ok && !name.starts_with("token:") {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid name: use 1 to 64 letters, digits, '.', '_', '-' or '@'."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_use_the_whole_alphabet_and_nothing_else() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..500 {
            let pw = generate();
            assert_eq!(pw.chars().count(), 20);
            assert!(!pw.contains(['0', 'O', '1', 'l', 'I']), "{pw}");
            seen.extend(pw.chars());
        }
        // 10,000 draws from 56 letters: each one turns up (missing one has odds below 1e-70).
        assert_eq!(seen.len(), 56);
    }

    #[test]
    fn hashes_verify_only_the_right_password() {
        let h = hash("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("correct horsE", &h));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn generated_passwords_pass_the_rule_and_differ() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(check_new("admin", &a).is_ok());
        assert!(
            check_new("admin", "short")
                .unwrap_err()
                .contains("at least 10")
        );
        assert!(check_new("administrator", "Administrator").is_err());
        assert!(check_name("anna.k@example").is_ok());
        assert!(check_name("a b").is_err() && check_name("").is_err());
    }
}
