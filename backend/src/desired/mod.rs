//! Conjure's record as the desired state of Asterisk. Each managed object is kept as Asterisk rendered
//! it after its last successful push (the inventory's `fields`, secrets left out) plus its secret
//! fields sealed (`objects.sealed`, see seal.rs). To make the object again Conjure pushes that rendering
//! minus what a fresh object shows anyway, with the secrets opened: what astdb itself does when Asterisk
//! loads an object at a start (it re-applies the stored rendering), without astdb's gaps.

pub mod drift;
pub mod reconcile;
pub mod watch;

use crate::seal::SealKey;

/// The value sealed under the key at first use (`meta.seal_check`): a later start with another key file
/// finds it does not open.
const CHECK: &[u8] = b"conjure seal check";

/// Reads (or makes) the key at `path` and checks that it is the one this database's secrets were sealed
/// with. Says at start what a new key means.
pub async fn open_key(
    store: &crate::store::Store,
    path: &std::path::Path,
) -> anyhow::Result<SealKey> {
    let check = store.meta("seal_check").await?;
    let key = match (SealKey::load(path)?, &check) {
        (Some(key), _) => key,
        // Secrets were sealed with a key that is not there: a new one would not open them, and left
        // on disk it would be taken for the right one at the next start.
        (None, Some(_)) => anyhow::bail!(
            "the secret key file {} is missing, and this data directory holds secrets sealed with a key: \
             give the --secret-key-file they were sealed with (restore it from your backup). No new key was \
             made, since it could not open them",
            path.display()
        ),
        (None, None) => {
            let key = SealKey::create(path)?;
            tracing::warn!(
                key = %path.display(),
                "created a new secret key: keep it with the data directory and back it up; without it the \
                 passwords Conjure keeps to restore Asterisk must be entered again"
            );
            key
        }
    };
    match check {
        Some(check) => {
            if key.open("seal_check", &check).is_err() {
                anyhow::bail!(
                    "the secret key file {} is not the key this data directory's secrets were sealed with: \
                     give the right --secret-key-file (or, to enter every secret again, move the data directory away)",
                    path.display(),
                );
            }
        }
        None => {
            store
                .set_meta("seal_check", &key.seal("seal_check", CHECK))
                .await?;
        }
    }
    let unknown = store.secrets_unknown().await?;
    if unknown > 0 {
        tracing::warn!(
            objects = unknown,
            "objects recorded before Conjure kept secrets: their secrets are read from Asterisk at the next \
             check while it still has them; until then they cannot be restored after a restart"
        );
    }
    Ok(key)
}

/// Managed objects read from the record at once by the reconciler and the drift check.
pub(crate) const PAGE: usize = 500;
