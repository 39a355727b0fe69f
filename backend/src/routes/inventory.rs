//! `/api/inventory`: what Conjure pushed, per type, searchable and paged; and the endpoints Asterisk has
//! that Conjure did not push, which can be adopted.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use model::api::{InventoryPage, ListQuery};
use model::{ObjectId, ObjectType};

use crate::AppState;
use crate::auth::Principal;
use crate::error::AppError;
use crate::objects::{self, ObjectError, object_type};

/// `{type: count}` for the navigation.
pub async fn counts(State(st): State<AppState>) -> Result<Json<BTreeMap<String, u64>>, AppError> {
    Ok(Json(st.store.counts().await?.into_iter().collect()))
}

pub async fn list(
    State(st): State<AppState>,
    Path(ty): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<InventoryPage>, AppError> {
    let ty = object_type(&ty)?;
    let search = q.search.to_lowercase();
    let first = q.page <= 1;
    let mut page = st.store.list(ty, q).await?;
    if ty == ObjectType::Endpoint && first {
        page.unmanaged = objects::unmanaged_endpoints(&st)
            .await?
            .into_iter()
            .filter(|id| id.to_lowercase().contains(&search))
            .collect();
    }
    Ok(Json(page))
}

/// Reads an object Conjure did not push and records it, so it is listed and managed from now on.
pub async fn adopt(
    State(st): State<AppState>,
    Path((ty, id)): Path<(String, String)>,
    p: Principal,
) -> Result<StatusCode, AppError> {
    let ty = object_type(&ty)?;
    let id = ObjectId::new(id).map_err(ObjectError::from)?;
    let fields = objects::read(&st, ty, &id).await?;
    objects::adopt(&st, ty, &id, &fields, &p.who()).await?;
    tracing::info!(%ty, %id, "object adopted");
    Ok(StatusCode::NO_CONTENT)
}
