//! Saving an object: checked by the catalog, placed on its servers, forwarded, recorded and audited;
//! adopting one read from Asterisk; replacing one whose lists a PUT can only add to.

use model::fleet::ServerOutcome;
use model::validate::{Finding, check_fields, check_object};
use model::{Field, ObjectId, ObjectType, PutBody};

use super::*;
use crate::audit::{self, Who};
use crate::domain::Domain;
use crate::fleet::fanout::{self, Change, Try};
use crate::fleet::target::Target;
use crate::store::Inventory;

/// A save: Asterisk's rendering of the object, the catalog's warnings, and (with several servers)
/// what happened on each server.
#[derive(Debug)]
pub struct Saved {
    /// Asterisk's rendering of the object after the save.
    pub fields: Vec<Field>,
    /// The catalog's warnings about values Asterisk changes.
    pub findings: Vec<Finding>,
    /// What each server did, when there are several.
    pub servers: Vec<ServerOutcome>,
    /// Applied on some servers and refused by others: the token to retry or undo it with.
    pub split: Option<String>,
}

impl Saved {
    /// The catalog's warnings and, as warnings too, each server that refused the change or will get it
    /// later: what the panel shows under a save.
    pub fn warnings(&self) -> Vec<Finding> {
        let mut findings = self.findings.clone();
        findings.extend(
            self.servers
                .iter()
                .filter(|o| o.outcome != model::fleet::Outcome::Applied)
                .map(|o| Finding {
                    severity: model::validate::Severity::Warning,
                    index: None,
                    attribute: Some(format!("server {}", o.server)),
                    message: match o.outcome {
                        model::fleet::Outcome::Queued => {
                            format!("not saved there yet: {}", o.message)
                        }
                        _ => format!(
                            "refused: {}.{}{}",
                            o.message.trim_end_matches('.'),
                            if o.hint.is_empty() {
                                String::new()
                            } else {
                                format!(" {}", o.hint)
                            },
                            if self.split.is_some() {
                                " Retry it there, or undo it where it was applied, on the Servers page."
                            } else {
                                ""
                            }
                        ),
                    },
                }),
        );
        findings
    }
}

/// Checks a PUT with the catalog and forwards it where the object goes (see [`write_to`]).
pub async fn write(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<Saved, ObjectError> {
    write_to(st, ty, id, body, who, None).await
}

/// [`write`], placing a new object on `target` (`server:<name>`, `group:<name>`; `[]`: every
/// server). An object already recorded keeps where it goes: naming another target is an error, and
/// moving it is [`retarget`]'s.
pub async fn write_to(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
    target: Option<&[String]>,
) -> Result<Saved, ObjectError> {
    let wanted = target.map(|t| st.fleet.check_target(t)).transpose()?;
    if let Some(why) = ty.write_refusal() {
        return Err(ObjectError::NotWritable(why));
    }
    // The doors' parser ran this already; Conjure's own writers (phone users, templates) did not.
    body.check()?;
    let fields = body.fields.as_deref().unwrap_or_default();
    let mut findings = check_fields(ty, fields, false);
    // Rules for a new object (required options, an endpoint without codecs) only matter when the PUT
    // would break them; only then is it worth asking Asterisk whether the object exists.
    if findings.iter().all(|f| !f.is_error()) {
        let creation = check_object(ty, fields, true);
        if creation.iter().any(Finding::is_error) && !exists(st, ty, id).await? {
            // A new object: the per-field findings stand; the object rules are those of a creation.
            findings.retain(|f| f.index.is_some());
            findings.extend(creation);
        }
    }
    if findings.iter().any(Finding::is_error) {
        return Err(ObjectError::Invalid(findings));
    }
    let placed = match wanted {
        Some(new) => place(st, ty, id, new).await?,
        None => false,
    };
    match audited_put(st, ty, id, body, who, "put").await {
        Ok(put) => Ok(Saved {
            fields: put.fields,
            findings,
            servers: put.servers,
            split: put.split,
        }),
        Err(e) => {
            // Nothing was made: the new object's target goes with it.
            if placed {
                st.fleet.targets.set(ty, id.as_str(), None);
                if let Err(db) = st.store.set_target(ty.as_str(), id.as_str(), None).await {
                    tracing::error!(%db, "a target of an object not made stays recorded");
                }
            }
            Err(e)
        }
    }
}

/// Sets a new object's target before it is sent (whether it was set); an object already recorded
/// must already go there.
async fn place(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    new: Option<Target>,
) -> Result<bool, ObjectError> {
    let current = st.fleet.targets.get(ty, id.as_str());
    if st.store.fields(ty, id.as_str()).await?.is_some() {
        if current.as_deref() != new.as_deref() {
            return Err(ObjectError::TargetDiffers {
                ty,
                id: id.as_str().to_string(),
                current: describe(current.as_deref()),
            });
        }
        return Ok(false);
    }
    if new.is_none() {
        return Ok(false);
    }
    st.store
        .set_target(ty.as_str(), id.as_str(), new.as_deref())
        .await?;
    st.fleet.targets.set(ty, id.as_str(), new);
    Ok(true)
}

/// A target in words.
pub fn describe(target: Option<&[String]>) -> String {
    match target {
        None => "every server".into(),
        Some(t) => t.join(", "),
    }
}

/// Pushes an object from Conjure's record (drift's "re-apply"): Asterisk's own rendering, checked when
/// it was first pushed, so not checked again; recorded and audited as any save.
pub async fn push_recorded(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<(Vec<Field>, Vec<ServerOutcome>), ObjectError> {
    audited_put(st, ty, id, body, who, "reapply")
        .await
        .map(|p| (p.fields, p.servers))
}

/// What a recorded PUT did.
struct Put {
    fields: Vec<Field>,
    servers: Vec<ServerOutcome>,
    split: Option<String>,
}

/// Forwards a checked PUT and records the outcome: the inventory and the audit entry on success, the
/// audit entry alone when Asterisk refuses or does not answer.
async fn audited_put(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
    action: &str,
) -> Result<Put, ObjectError> {
    let before = st.store.fields(ty, id.as_str()).await?.unwrap_or_default();
    let sent = body.fields.as_deref().unwrap_or_default();
    match forward_put(st, ty, id, body, who).await {
        Ok((after, servers)) => {
            // Applied on some servers, refused by others: kept (with the object as it was, still
            // in the record) for a retry or an undo.
            let split = if servers
                .iter()
                .any(|o| o.outcome == model::fleet::Outcome::Refused)
            {
                crate::fleet::split::keep(st, ty, id, &servers, who).await
            } else {
                None
            };
            let entry = entry(
                st,
                ty,
                id,
                who,
                action,
                audit::changes(&before, &after, sent),
                200,
                &said("saved", &servers),
            );
            crate::managed::record_rendering(st, ty, id.as_str(), &after, &entry)
                .await
                .map_err(saved_but_not_recorded)?;
            Ok(Put {
                fields: after,
                servers,
                split,
            })
        }
        Err(e) => {
            let status = e.asterisk_status().unwrap_or(0);
            let entry = entry(
                st,
                ty,
                id,
                who,
                action,
                audit::requested(&before, sent),
                status,
                &e.to_string(),
            );
            if let Err(db) = crate::managed::change_record(st, Inventory::Keep, &entry).await {
                tracing::error!(%ty, %id, %db, "a refused change could not be audited");
            }
            Err(e)
        }
    }
}

fn saved_but_not_recorded(cause: crate::store::StoreError) -> ObjectError {
    ObjectError::NotRecorded {
        done: "Saved",
        cause,
    }
}

/// Records an object read from Asterisk (adoption), with an audit entry.
pub async fn adopt(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    fields: &[Field],
    who: &Who,
) -> Result<(), ObjectError> {
    let entry = entry(st, ty, id, who, "adopt", Vec::new(), 200, "adopted");
    crate::managed::record_rendering(st, ty, id.as_str(), fields, &entry)
        .await
        .map_err(ObjectError::from)
}

/// Sends a checked PUT to every server. Taken when at least one server applied it: its rendering is
/// the record, the servers that did not answer get it later (queued), and those that refused it are
/// reported. Refused or unanswered everywhere, nothing changed: the refusal (or the silence) is the error.
async fn forward_put(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<(Vec<Field>, Vec<ServerOutcome>), ObjectError> {
    if st.fleet.is_single() {
        let up = st.ari.put_object(ty, id, body).await?;
        return Ok((answered(st, ty, &up)?, Vec::new()));
    }
    let change = Change::Put(body);
    let tried = fanout::send(st, ty, id, &change).await;
    let applied = tried.iter().find_map(|t| match &t.result {
        Try::Answered(up) if up.status == 200 => Some(up),
        _ => None,
    });
    let Some(applied) = applied else {
        return Err(nowhere(ty, tried));
    };
    let fields = fields_of(applied)?;
    let servers = fanout::settle(
        st,
        ty,
        id,
        &change,
        &tried,
        |up| up.status == 200,
        &who.actor,
    )
    .await;
    Ok((fields, servers))
}

/// Delete and create again with exactly `body`: the only way to remove an entry from a list that a PUT
/// can only add to (identify `match`, aor `contact`). If the new object is refused, the old one is put back.
pub async fn replace(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    body: &PutBody,
    who: &Who,
) -> Result<Saved, ObjectError> {
    if !matches!(ty, ObjectType::Identify | ObjectType::Aor) {
        return Err(ObjectError::NotReplaceable(ty));
    }
    let findings = check_fields(ty, body.fields.as_deref().unwrap_or_default(), true);
    if findings.iter().any(Finding::is_error) {
        return Err(ObjectError::Invalid(findings));
    }
    let old = read(st, ty, id).await?;
    delete(st, ty, id, who).await?;
    match audited_put(st, ty, id, body, who, "replace").await {
        Ok(put) => Ok(Saved {
            fields: put.fields,
            findings,
            servers: put.servers,
            split: put.split,
        }),
        Err(failed) => {
            let restore = PutBody { fields: Some(old) };
            let restored = audited_put(st, ty, id, &restore, who, "restore")
                .await
                .is_ok();
            Err(ObjectError::ReplaceFailed {
                failed: Box::new(failed),
                restored,
            })
        }
    }
}
