//! The plan of an import: each object of the files against what the default server holds now. Made
//! before anything is pushed; reading Asterisk is all it does.

use futures_util::{StreamExt, stream};
use model::config_import::{Plan, PlanAction, PlanChange, PlanItem, PlanNote};
use model::{ObjectId, secret};

use super::{Found, Outcome, StaticObject, same};
use crate::domain::Domain;
use crate::objects::{self, ObjectError};

/// How many objects are read from Asterisk at once.
const READS: usize = 8;

/// The plan of `found` on the default server. An Asterisk that cannot be asked fails the whole plan:
/// a plan that guessed would be worse than none.
pub async fn plan(st: &Domain, found: &Found) -> Result<Plan, ObjectError> {
    // Owned items and state: a stream of futures that borrow each item is not `Send` for every
    // lifetime, which axum's handlers need.
    let items: Vec<Result<PlanItem, ObjectError>> = stream::iter(found.objects.clone())
        .map(|o| {
            let st = st.clone();
            async move { one(&st, &o).await }
        })
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

async fn one(st: &Domain, o: &StaticObject) -> Result<PlanItem, ObjectError> {
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
    let action = if !st.store.contains(o.ty, &o.id).await? {
        PlanAction::Conflict
    } else if changes.is_empty() {
        PlanAction::Unchanged
    } else {
        PlanAction::Update
    };
    Ok(item(action, changes, notes))
}
