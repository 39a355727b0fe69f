//! The one pipeline both doors share: type and id already checked, body already checked; forward to
//! Asterisk and turn its answer into fields or an [`ObjectError`].

pub(crate) mod error;

pub use error::{ObjectError, object_type};

use model::validate::{Finding, check_fields, check_object};
use model::{Field, ObjectId, ObjectType, PutBody};

use model::api::{AuditChange, AuditEntry};

use model::fleet::ServerOutcome;

use crate::Domain;
use crate::ari::Upstream;
use crate::audit::{self, Who};
use crate::fleet::fanout::{self, Change, Try};
use crate::fleet::target::Target;

mod retarget;
use crate::store::Inventory;
pub use retarget::{Moved, retarget};

/// Parses a type name from a path, exactly as Asterisk would (case-sensitive).
fn fields_of(up: &Upstream) -> Result<Vec<Field>, ObjectError> {
    serde_json::from_slice(&up.body).map_err(|e| ObjectError::BadAnswer(e.to_string()))
}

pub async fn read(st: &Domain, ty: ObjectType, id: &ObjectId) -> Result<Vec<Field>, ObjectError> {
    read_from(st, ty, id).await.map(|(fields, _)| fields)
}

/// Reads from the first enabled server that answers: one server down is no error while another has
/// the object. Says which server it read when there are several.
pub async fn read_from(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
) -> Result<(Vec<Field>, Option<String>), ObjectError> {
    let (up, server) = get_any(st, ty, id).await?;
    Ok((answered(st, ty, &up)?, server))
}

/// `GET` on the first enabled server that answers (the default server alone: just it).
async fn get_any(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
) -> Result<(Upstream, Option<String>), ObjectError> {
    if st.fleet.all().len() == 1 {
        return Ok((st.ari.get_object(ty, id).await?, None));
    }
    let mut first_error = None;
    let target = st.fleet.targets.get(ty, id.as_str());
    for server in st.fleet.servers_for(target.as_deref()) {
        match server.ari.get_object(ty, id).await {
            Ok(up) => return Ok((up, Some(server.name.to_string()))),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(match first_error {
        Some(e) => e.into(),
        None => ObjectError::NoServer,
    })
}

/// The object Asterisk answered with, or its refusal.
fn answered(st: &Domain, ty: ObjectType, up: &Upstream) -> Result<Vec<Field>, ObjectError> {
    match up.status {
        200 => fields_of(up),
        _ => Err(refused_by_asterisk(st, ty, up)),
    }
}

/// Checks a PUT with the catalog and forwards it. Returns Asterisk's rendering of the object and the
/// warnings (values Asterisk accepts but changes).
/// A save: Asterisk's rendering of the object, the catalog's warnings, and (with several servers)
/// what happened on each server.
#[derive(Debug)]
pub struct Saved {
    pub fields: Vec<Field>,
    pub findings: Vec<Finding>,
    pub servers: Vec<ServerOutcome>,
    /// Applied on some servers and refused by others: the token to retry or undo it with.
    pub split: Option<String>,
}

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
            let rec = crate::managed::record(st, ty, id.as_str(), &after);
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
            st.store
                .change(
                    Inventory::Record {
                        fields: &rec.shown,
                        secrets_set: &rec.secrets_set,
                        sealed: rec.sealed.as_deref(),
                    },
                    &entry,
                )
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
            if let Err(db) = st.store.change(Inventory::Keep, &entry).await {
                tracing::error!(%ty, %id, %db, "a refused change could not be audited");
            }
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn entry(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
    action: &str,
    changes: Vec<AuditChange>,
    status: u16,
    message: &str,
) -> AuditEntry {
    AuditEntry {
        changes,
        server: st.ari.base().to_string(),
        status,
        ..audit::event(who, action, ty.as_str(), id.as_str(), message)
    }
}

/// The audit's message: what was done, and on each server when there are several.
fn said(done: &str, servers: &[ServerOutcome]) -> String {
    if servers.is_empty() {
        done.to_string()
    } else {
        format!("{done} ({})", fanout::summary(servers))
    }
}

fn saved_but_not_recorded(cause: crate::store::StoreError) -> ObjectError {
    ObjectError::NotRecorded {
        done: "Saved",
        cause,
    }
}

fn refused_by_asterisk(st: &Domain, ty: ObjectType, up: &Upstream) -> ObjectError {
    ObjectError::Refused {
        ty,
        refusal: st.ari.refusal(up),
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
    let rec = crate::managed::record(st, ty, id.as_str(), fields);
    let entry = entry(st, ty, id, who, "adopt", Vec::new(), 200, "adopted");
    st.store
        .change(
            Inventory::Record {
                fields: &rec.shown,
                secrets_set: &rec.secrets_set,
                sealed: rec.sealed.as_deref(),
            },
            &entry,
        )
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

/// The error of a change no server took: Asterisk's refusal where one refused, else why none answered.
fn nowhere(ty: ObjectType, tried: Vec<fanout::Tried>) -> ObjectError {
    let mut down = None;
    for t in tried {
        match t.result {
            Try::Answered(up) => {
                return ObjectError::Refused {
                    ty,
                    refusal: t.server.ari.refusal(&up),
                };
            }
            Try::Down(e) => {
                down.get_or_insert(e);
            }
            Try::Behind => {}
        }
    }
    match down {
        Some(e) => e.into(),
        None => ObjectError::NoServer,
    }
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

pub async fn exists(st: &Domain, ty: ObjectType, id: &ObjectId) -> Result<bool, ObjectError> {
    let (up, _) = get_any(st, ty, id).await?;
    match up.status {
        200 | 500 => Ok(true),
        404 => Ok(false),
        _ => Err(refused_by_asterisk(st, ty, &up)),
    }
}

/// Whether any server `target` names (every enabled one, for none) that answers has the object: what a
/// new object must not overwrite. A server that does not answer now cannot be asked; its changes wait
/// for it as every other change does.
pub async fn exists_on_any(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    target: Option<&[String]>,
) -> Result<Option<String>, ObjectError> {
    let servers = st.fleet.servers_for(target);
    let single = st.fleet.all().len() == 1;
    let (mut answered, mut first_error) = (false, None);
    for server in servers {
        let up = match server.ari.get_object(ty, id).await {
            Ok(up) => up,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        answered = true;
        match up.status {
            // One server of its own: no name to say.
            200 | 500 if single => return Ok(Some(String::new())),
            200 | 500 => return Ok(Some(server.name.to_string())),
            404 => {}
            _ => return Err(refused_by_asterisk(st, ty, &up)),
        }
    }
    match first_error {
        // Not one could be asked: nothing is known, so nothing is made.
        Some(e) if !answered => Err(e.into()),
        _ => Ok(None),
    }
}

/// What a delete found on Asterisk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Now,
    /// Asterisk did not have it (any more).
    AlreadyGone,
}

/// Deletes an object; one Asterisk does not have is an error (404), as on the doors.
pub async fn delete(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<Vec<ServerOutcome>, ObjectError> {
    remove(st, ty, id, who, false)
        .await
        .map(|(_, servers)| servers)
}

/// Deletes an object from one server (the per-server ARI door): one that goes to that server alone,
/// or one Conjure does not manage. An object that goes elsewhere too is not deleted behind the record.
pub async fn delete_on(
    st: &Domain,
    server: &std::sync::Arc<crate::fleet::Server>,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<(), ObjectError> {
    if st.store.fields(ty, id.as_str()).await?.is_none() {
        return delete(&st.on_server(server), ty, id, who).await.map(drop);
    }
    let only = [format!("server:{}", server.name)];
    let current = st.fleet.targets.get(ty, id.as_str());
    if current.as_deref() != Some(&only[..]) {
        return Err(ObjectError::TargetDiffers {
            ty,
            id: id.as_str().to_string(),
            current: describe(current.as_deref()),
        });
    }
    delete(st, ty, id, who).await.map(drop)
}

/// Deletes an object, counting one Asterisk no longer has as deleted: for Conjure's own changes of
/// several objects (removing a phone user, undoing a half-made one).
pub async fn delete_if_present(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<Deleted, ObjectError> {
    remove(st, ty, id, who, true).await.map(|(d, _)| d)
}

async fn remove(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
    missing_is_deleted: bool,
) -> Result<(Deleted, Vec<ServerOutcome>), ObjectError> {
    if !ty.can_delete() {
        return Err(ObjectError::NotWritable(
            ty.write_refusal().unwrap_or_default(),
        ));
    }
    let (up, servers) = match delete_everywhere(st, ty, id, who).await {
        Ok(r) => r,
        Err(err) => {
            let entry = entry(st, ty, id, who, "delete", Vec::new(), 0, &err.to_string());
            if let Err(db) = st.store.change(Inventory::Keep, &entry).await {
                tracing::error!(%ty, %id, %db, "a failed delete could not be audited");
            }
            return Err(err);
        }
    };
    let result = match up.status {
        204 | 200 => Ok(Deleted::Now),
        404 if missing_is_deleted => Ok(Deleted::AlreadyGone),
        _ => Err(refused_by_asterisk(st, ty, &up)),
    };
    // 404: it is gone either way, so the inventory forgets it too.
    let inventory = if matches!(up.status, 204 | 200 | 404) {
        Inventory::Forget
    } else {
        Inventory::Keep
    };
    let message = match &result {
        Ok(Deleted::Now) => said("deleted", &servers),
        Ok(Deleted::AlreadyGone) => said("already gone", &servers),
        Err(e) => e.to_string(),
    };
    let entry = entry(st, ty, id, who, "delete", Vec::new(), up.status, &message);
    if let Err(e) = crate::managed::change_record(st, inventory, &entry).await {
        tracing::error!(%ty, %id, %e, "deleted on Asterisk but not recorded");
        if result.is_ok() {
            return Err(ObjectError::NotRecorded {
                done: "Deleted",
                cause: e,
            });
        }
    }
    result.map(|d| (d, servers))
}

/// Deletes on every server. The answer that counts is a deletion where there was one, else "not
/// found" where every server that answered said so, else the first refusal. Servers that did not
/// answer get the delete later, once one server answered as a delete would.
async fn delete_everywhere(
    st: &Domain,
    ty: ObjectType,
    id: &ObjectId,
    who: &Who,
) -> Result<(Upstream, Vec<ServerOutcome>), ObjectError> {
    if st.fleet.is_single() {
        return Ok((st.ari.delete_object(ty, id).await?, Vec::new()));
    }
    let change = Change::Delete;
    let mut tried = fanout::send(st, ty, id, &change).await;
    let gone = |up: &Upstream| matches!(up.status, 204 | 200 | 404);
    let pick = tried
        .iter()
        .position(|t| matches!(&t.result, Try::Answered(up) if matches!(up.status, 204 | 200)))
        .or_else(|| {
            tried
                .iter()
                .position(|t| matches!(&t.result, Try::Answered(up) if up.status == 404))
        });
    let Some(i) = pick else {
        return Err(nowhere(ty, tried));
    };
    let servers = fanout::settle(st, ty, id, &change, &tried, gone, &who.actor).await;
    let Try::Answered(up) = std::mem::replace(&mut tried[i].result, Try::Behind) else {
        unreachable!("picked an answer")
    };
    Ok((up, servers))
}
