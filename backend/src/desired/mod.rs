//! Conjure's record as the desired state of Asterisk. Each managed object is kept as Asterisk rendered
//! it after its last successful push (the inventory's `fields`, secrets left out) plus its secret
//! fields sealed (`objects.sealed`, see seal.rs). To make the object again Conjure pushes that rendering
//! minus what a fresh object shows anyway, with the secrets opened: what astdb itself does when Asterisk
//! loads an object at a start (it re-applies the stored rendering), without astdb's gaps.

pub mod drift;
pub mod reconcile;
pub mod watch;

use model::{Field, ObjectType, catalog, secret};

use crate::AppState;
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

/// How an object is recorded after a push or an adoption.
pub struct Recorded {
    /// The rendering without secret values.
    pub shown: Vec<Field>,
    /// Secret attributes that have a value.
    pub secrets_set: Vec<String>,
    /// The secret fields with values, sealed; `None` when there are none.
    pub sealed: Option<String>,
}

/// The context a sealed value is bound to: it opens only for the object it was sealed for.
pub fn context(ty: ObjectType, id: &str) -> String {
    format!("{}/{id}", ty.as_str())
}

/// Splits Asterisk's rendering of an object into what the inventory shows and the sealed secrets.
pub fn record(st: &AppState, ty: ObjectType, id: &str, rendering: &[Field]) -> Recorded {
    let secrets: Vec<&Field> = rendering
        .iter()
        .filter(|f| secret::is_secret(&f.attribute) && !f.value.is_empty())
        .collect();
    let sealed = (!secrets.is_empty()).then(|| {
        let json = serde_json::to_vec(&secrets).expect("fields serialise");
        st.seal.seal(&context(ty, id), &json)
    });
    let (shown, flags) = secret::redact(rendering.to_vec());
    let secrets_set = flags
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(a, _)| a)
        .collect();
    Recorded {
        shown,
        secrets_set,
        sealed,
    }
}

/// Why an object cannot be pushed again from Conjure's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unpushable {
    /// Recorded before Conjure kept secrets (or adopted without them): someone must set them again.
    SecretUnknown(Vec<String>),
    /// The sealed value does not open with this key.
    Unsealable,
}

impl std::fmt::Display for Unpushable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unpushable::SecretUnknown(a) => write!(
                f,
                "Conjure does not know its {} (recorded before secrets were kept): set it again",
                a.join(", ")
            ),
            Unpushable::Unsealable => f.write_str(
                "its secrets do not open with this --secret-key-file (another key, or an altered database): set them again",
            ),
        }
    }
}

/// The PUT that makes a managed object again from the record (drift's "put it back", a move to
/// other servers), or why the record cannot.
pub fn push_body(
    st: &AppState,
    m: &crate::store::Managed,
) -> Result<model::PutBody, crate::objects::ObjectError> {
    let fields = push_fields(
        st,
        m.ty,
        &m.id,
        &m.fields,
        &m.secrets_set,
        m.sealed.as_deref(),
    )
    .map_err(|u| crate::objects::ObjectError::NotPushable(u.to_string()))?;
    Ok(model::PutBody {
        fields: Some(fields),
    })
}

/// The fields that make the object again: the recorded rendering without options at what a fresh
/// object shows (and without attributes that are not options: Asterisk renders some values, such as
/// `set_var`, in a form it does not parse back), with the secrets opened.
pub fn push_fields(
    st: &AppState,
    ty: ObjectType,
    id: &str,
    shown: &[Field],
    secrets_set: &[String],
    sealed: Option<&str>,
) -> Result<Vec<Field>, Unpushable> {
    let mut out: Vec<Field> = shown
        .iter()
        .filter(|f| !secret::is_secret(&f.attribute))
        .filter(|f| {
            if !catalog::has_catalog(ty) {
                return !f.attribute.eq_ignore_ascii_case("type");
            }
            match catalog::option(ty, &f.attribute) {
                None => false,
                Some(o) => o.raw.unset != Some(f.value.as_str()),
            }
        })
        .cloned()
        .collect();
    match sealed {
        Some(s) => out.extend(open_secrets(st, ty, id, s)?),
        None if !secrets_set.is_empty() => {
            return Err(Unpushable::SecretUnknown(secrets_set.to_vec()));
        }
        None => {}
    }
    Ok(out)
}

/// The secret fields sealed for `ty/id`.
pub fn open_secrets(
    st: &AppState,
    ty: ObjectType,
    id: &str,
    sealed: &str,
) -> Result<Vec<Field>, Unpushable> {
    let plain = st
        .seal
        .open(&context(ty, id), sealed)
        .map_err(|_| Unpushable::Unsealable)?;
    serde_json::from_slice(&plain).map_err(|_| Unpushable::Unsealable)
}

/// The order objects are made in: what others name first (an endpoint names its auth and aors, an
/// identify its endpoint, a registration its outbound auth).
/// Managed objects read from the record at once by the reconciler and the drift check.
pub(crate) const PAGE: usize = 500;

pub fn push_rank(ty: ObjectType) -> u8 {
    match ty {
        ObjectType::Global => 0,
        ObjectType::Auth | ObjectType::Aor | ObjectType::DomainAlias => 1,
        ObjectType::Contact => 2,
        ObjectType::Endpoint => 3,
        _ => 4,
    }
}
