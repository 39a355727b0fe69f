//! Secrets sealed at rest: what Conjure must keep to push an object again (an auth's password) is stored
//! encrypted with ChaCha20-Poly1305 (ring) under a key from `--secret-key-file`, bound to the object it
//! belongs to, and opened only to be sent to Asterisk.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use base64::Engine;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// The key, 32 bytes, kept in memory only.
pub struct SealKey(LessSafeKey);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

/// What went wrong with the key file, in words an admin can act on.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the secret key file {path}: {cause}")]
    Unreadable { path: String, cause: std::io::Error },
    #[error("cannot create the secret key file {path}: {cause}")]
    Uncreatable { path: String, cause: std::io::Error },
    #[error(
        "the secret key file {path} can be read by other users (mode {mode:o}): run `chmod 600 {path}`; \
         Conjure refuses a key others may have copied"
    )]
    Loose { path: String, mode: u32 },
    #[error(
        "the secret key file {path} does not hold a key Conjure made (it must be 64 hexadecimal digits on one line)"
    )]
    Malformed { path: String },
}

/// A sealed value that does not open: another key, or the stored text was changed.
#[derive(Debug, thiserror::Error)]
#[error(
    "a sealed secret does not open with this key (another --secret-key-file, or the database was altered)"
)]
pub struct Unsealable;

impl SealKey {
    /// A random key that lives as long as the process: for an in-memory store (tests, demo mode).
    pub fn ephemeral() -> SealKey {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).expect("the system's random source");
        SealKey::from_bytes(&k)
    }

    fn from_bytes(k: &[u8; 32]) -> SealKey {
        SealKey(LessSafeKey::new(
            UnboundKey::new(&CHACHA20_POLY1305, k).expect("a 32-byte key"),
        ))
    }

    /// The key in `path`, or `None` if there is no such file. Refused when others may read it.
    pub fn load(path: &Path) -> Result<Option<SealKey>, KeyError> {
        let shown = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(meta) => {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(KeyError::Loose { path: shown, mode });
                }
                let text = std::fs::read_to_string(path).map_err(|cause| KeyError::Unreadable {
                    path: shown.clone(),
                    cause,
                })?;
                let key = decode_hex(text.trim()).ok_or(KeyError::Malformed { path: shown })?;
                Ok(Some(SealKey::from_bytes(&key)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(cause) => Err(KeyError::Unreadable { path: shown, cause }),
        }
    }

    /// A new random key, written to `path` (`0600`, which must not exist yet).
    pub fn create(path: &Path) -> Result<SealKey, KeyError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the system's random source");
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .and_then(|mut f| {
                f.write_all(format!("{hex}\n").as_bytes())?;
                f.sync_all()
            })
            .map_err(|cause| KeyError::Uncreatable {
                path: path.display().to_string(),
                cause,
            })?;
        Ok(SealKey::from_bytes(&key))
    }

    /// `plain` encrypted and bound to `context` (e.g. `auth/2041`: a sealed value moved to another
    /// object does not open), as base64 of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, context: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the system's random source");
        let mut buf = plain.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buf,
            )
            .expect("sealing cannot fail for inputs this small");
        let mut out = nonce.to_vec();
        out.extend(buf);
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
    }

    /// The plaintext of [`SealKey::seal`]'s output for the same `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, Unsealable> {
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(sealed)
            .map_err(|_| Unsealable)?;
        if bytes.len() < NONCE_LEN {
            return Err(Unsealable);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let mut buf = rest.to_vec();
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Unsealable)?;
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut buf)
            .map_err(|_| Unsealable)?;
        Ok(plain.to_vec())
    }
}

fn decode_hex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_its_object() {
        let k = SealKey::ephemeral();
        let s = k.seal("auth/2041", b"pw-1");
        assert!(!s.contains("pw-1"));
        assert_eq!(k.open("auth/2041", &s).unwrap(), b"pw-1");
        assert!(k.open("auth/2042", &s).is_err(), "bound to its object");
        assert!(SealKey::ephemeral().open("auth/2041", &s).is_err());
        assert_ne!(s, k.seal("auth/2041", b"pw-1"), "a fresh nonce each time");
        let mut tampered = s.clone().into_bytes();
        tampered[20] = if tampered[20] == b'A' { b'B' } else { b'A' };
        assert!(
            k.open("auth/2041", &String::from_utf8(tampered).unwrap())
                .is_err()
        );
        assert!(k.open("auth/2041", "not base64!").is_err());
    }

    #[test]
    fn the_key_file_is_made_private_and_checked() {
        let dir = std::env::temp_dir().join(format!("conjure-seal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret.key");
        assert!(SealKey::load(&path).unwrap().is_none());
        let k1 = SealKey::create(&path).unwrap();
        assert!(
            SealKey::create(&path).is_err(),
            "never over an existing key"
        );
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let k2 = SealKey::load(&path).unwrap().unwrap();
        assert_eq!(k2.open("x", &k1.seal("x", b"s")).unwrap(), b"s");

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = SealKey::load(&path).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("chmod 600") && e.contains("644"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, "not a key\n").unwrap();
        let e = SealKey::load(&path).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("64 hexadecimal digits"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
