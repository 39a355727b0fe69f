//! What can go wrong when a server is added, changed, probed or removed, in words a person acts on.

use model::fleet::Probe;

use crate::ari::AriError;
use crate::store::StoreError;

/// Why a server cannot be added, changed or removed, or a waiting change settled.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("A server name is 1 to 40 lowercase letters, digits, '-' or '_'; '{0}' is not")]
    BadName(String),
    #[error("A group name is 1 to 40 lowercase letters, digits, '-' or '_'; '{0}' is not")]
    BadGroup(String),
    #[error("'default' is the server given on Conjure's command line (--ari-url)")]
    Default,
    #[error("There is already a server named '{0}'")]
    Exists(String),
    #[error("That Asterisk is already in the fleet as '{0}'")]
    SameUrl(String),
    #[error("There is no server named '{0}'")]
    NoSuchServer(String),
    #[error("No change {0} is waiting (it may have been applied meanwhile)")]
    NoSuchChange(i64),
    #[error("{1} objects go to '{0}' and to no other server")]
    StillTargeted(String, usize),
    #[error("ari_url: {0}")]
    BadUrl(String),
    #[error("ca_file: {0}")]
    CaFile(String),
    #[error("{0}")]
    Unreachable(AriError),
    #[error("Asterisk refused the ARI user '{0}' and its password")]
    Credentials(String),
    #[error("The ARI user '{0}' may only read (read_only = yes in ari.conf)")]
    ReadOnlyUser(String),
    #[error("That server's sorcery.conf gives no PJSIP type a writable backend")]
    NothingWritable(Probe),
    #[error("That does not answer as Asterisk's ARI does: {0}")]
    NotAsterisk(String),
    #[error(
        "Changing the address, ARI user or CA file of '{0}' needs its ARI password again: Conjure does not \
         send a stored password anywhere new"
    )]
    PasswordAgain(String),
    #[error(
        "{count} objects that go to '{server}' hold secrets (SIP passwords, OAuth secrets) that Conjure \
         will send to {url}, which has not held them before"
    )]
    ConfirmSecrets {
        server: String,
        url: String,
        count: usize,
    },
    #[error("The stored password of '{0}' does not open with this key file")]
    Unsealable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
