//! Reading an object: from the first enabled server that answers; whether a new one would overwrite.

use model::{Field, ObjectId, ObjectType};

use super::*;
use crate::ari::Upstream;
use crate::domain::Domain;

/// Asterisk's 200 answer as fields.
pub(super) fn fields_of(up: &Upstream) -> Result<Vec<Field>, ObjectError> {
    serde_json::from_slice(&up.body).map_err(|e| ObjectError::BadAnswer(e.to_string()))
}

/// The object as Asterisk renders it (from the first enabled server that answers).
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
pub(super) fn answered(
    st: &Domain,
    ty: ObjectType,
    up: &Upstream,
) -> Result<Vec<Field>, ObjectError> {
    match up.status {
        200 => fields_of(up),
        _ => Err(refused_by_asterisk(st, ty, up)),
    }
}

/// Whether Asterisk has the object (the first enabled server that answers; a 500 is an object it cannot copy, so it exists).
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
