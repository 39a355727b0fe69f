//! The record codec of a managed object: how Asterisk's rendering is split into what the inventory shows
//! and the sealed secrets, and how the PUT that makes the object again is built from that record. Below
//! objects, desired and fleet, which all record and push; it knows no HTTP and no fan-out.

use model::{Field, ObjectType, catalog, secret};

use crate::domain::Domain;
use crate::store::Inventory;
use model::api::AuditEntry;

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
pub fn record(st: &Domain, ty: ObjectType, id: &str, rendering: &[Field]) -> Recorded {
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
pub fn push_body(st: &Domain, m: &crate::store::Managed) -> Result<model::PutBody, Unpushable> {
    let fields = push_fields(
        st,
        m.ty,
        &m.id,
        &m.fields,
        &m.secrets_set,
        m.sealed.as_deref(),
    )?;
    Ok(model::PutBody {
        fields: Some(fields),
    })
}

/// The fields that make the object again: the recorded rendering without options at what a fresh
/// object shows (and without attributes that are not options: Asterisk renders some values, such as
/// `set_var`, in a form it does not parse back), with the secrets opened.
pub fn push_fields(
    st: &Domain,
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
    st: &Domain,
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
pub fn push_rank(ty: ObjectType) -> u8 {
    match ty {
        ObjectType::Global => 0,
        ObjectType::Auth | ObjectType::Aor | ObjectType::DomainAlias => 1,
        ObjectType::Contact => 2,
        ObjectType::Endpoint => 3,
        _ => 4,
    }
}

/// Records Asterisk's `rendering` of an object as what Conjure manages (secrets sealed aside), with its
/// audit entry: what a save, an adoption and an undo write.
pub(crate) async fn record_rendering(
    st: &Domain,
    ty: ObjectType,
    id: &str,
    rendering: &[Field],
    entry: &AuditEntry,
) -> Result<(), crate::store::StoreError> {
    let rec = record(st, ty, id, rendering);
    change_record(
        st,
        Inventory::Record {
            fields: &rec.shown,
            secrets_set: &rec.secrets_set,
            sealed: rec.sealed.as_deref(),
        },
        entry,
    )
    .await
}

/// Applies a change to the record with its audit entry. Forgetting an object also forgets where it
/// went, which is held in memory as well (fleet/target.rs): every forget goes through here.
pub(crate) async fn change_record(
    st: &Domain,
    inventory: Inventory<'_>,
    entry: &AuditEntry,
) -> Result<(), crate::store::StoreError> {
    if matches!(inventory, Inventory::Forget)
        && let Some(ty) = ObjectType::parse(&entry.object_type)
    {
        st.fleet.targets.set(ty, &entry.id, None);
    }
    st.store.change(inventory, entry).await
}
