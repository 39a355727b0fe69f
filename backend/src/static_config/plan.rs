//! The plan of an import: each object of the files against what the default server holds now. Made
//! before anything is pushed; reading Asterisk is all it does.

use std::collections::HashSet;

use futures_util::{StreamExt, stream};
use model::config_import::{Plan, PlanAction, PlanChange, PlanItem, PlanNote};
use model::{ObjectId, ObjectType, secret};

use super::{Found, Outcome, StaticObject, same};
use crate::domain::Domain;
use crate::objects::{self, ObjectError};

/// How many objects are read from Asterisk at once.
const READS: usize = 8;

/// The plan of `found` on the default server. An Asterisk that cannot be asked fails the whole plan:
/// a plan that guessed would be worse than none.
pub async fn plan(st: &Domain, found: &Found) -> Result<Plan, ObjectError> {
    // Which objects Conjure manages: one query per type, not one per object.
    let mut managed: HashSet<(ObjectType, String)> = HashSet::new();
    for ty in ObjectType::ALL.iter().copied() {
        let ids: Vec<String> = found
            .objects
            .iter()
            .filter(|o| o.ty == ty)
            .map(|o| o.id.clone())
            .collect();
        if !ids.is_empty() {
            managed.extend(
                st.store
                    .known(ty, ids)
                    .await?
                    .into_iter()
                    .map(|id| (ty, id)),
            );
        }
    }
    let managed = &managed;
    // By index: a stream of futures whose closure takes a borrowed item is not `Send` for every
    // lifetime, which axum's handlers need.
    let items: Vec<Result<PlanItem, ObjectError>> = stream::iter(0..found.objects.len())
        .map(|i| one(st, &found.objects[i], managed))
        .buffered(READS)
        .collect()
        .await;
    let note = |s: &super::Staying| PlanNote {
        at: s.at.to_string(),
        message: s.why.clone(),
    };
    Ok(Plan {
        items: items.into_iter().collect::<Result<_, _>>()?,
        staying: found.staying.iter().map(note).collect(),
        skipped: found.skipped.iter().map(note).collect(),
    })
}

async fn one(
    st: &Domain,
    o: &StaticObject,
    managed: &HashSet<(ObjectType, String)>,
) -> Result<PlanItem, ObjectError> {
    let item = |action, changes, problems| PlanItem {
        object_type: o.ty.as_str().to_string(),
        id: o.id.clone(),
        at: o.at.to_string(),
        action,
        changes,
        problems,
    };
    let notes = match &o.outcome {
        Outcome::Refused(why) => {
            let problems = why.iter().map(|(at, w)| format!("{at}: {w}")).collect();
            return Ok(item(PlanAction::Refused, Vec::new(), problems));
        }
        Outcome::Ready(notes) => notes.clone(),
    };
    let id = ObjectId::new(o.id.clone())?;
    let now = match objects::read(st, o.ty, &id).await {
        Ok(fields) => fields,
        Err(e) if e.is_missing() => return Ok(item(PlanAction::Create, Vec::new(), notes)),
        Err(e) => return Err(e),
    };
    let hide = |attr: &str, v: String| {
        if secret::is_secret(attr) {
            "(hidden)".to_string()
        } else {
            v
        }
    };
    let changes: Vec<PlanChange> = same::differences(o.ty, &o.fields, &now)
        .into_iter()
        .map(|(attribute, file, asterisk)| PlanChange {
            file: hide(&attribute, file),
            asterisk: hide(&attribute, asterisk),
            attribute,
        })
        .collect();
    let action = if !managed.contains(&(o.ty, o.id.clone())) {
        PlanAction::Conflict
    } else if changes.is_empty() {
        PlanAction::Unchanged
    } else {
        PlanAction::Update
    };
    Ok(item(action, changes, notes))
}
