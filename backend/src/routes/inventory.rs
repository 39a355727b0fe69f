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
        page.unmanaged = unmanaged(&st)
            .await?
            .into_iter()
            .filter(|id| id.to_lowercase().contains(&search))
            .collect();
    }
    Ok(Json(page))
}

/// Endpoints in `GET /ari/endpoints/PJSIP` that the inventory does not have.
async fn unmanaged(st: &AppState) -> Result<Vec<String>, AppError> {
    let up = st.ari.pjsip_endpoints().await.map_err(ObjectError::from)?;
    if up.status != 200 {
        let refusal = st.ari.refusal(&up);
        return Err(ObjectError::Refused {
            ty: ObjectType::Endpoint,
            refusal,
        }
        .into());
    }
    let list: serde_json::Value = serde_json::from_slice(&up.body).unwrap_or_default();
    let mut ids: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["resource"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    let known = st.store.known(ObjectType::Endpoint, ids.clone()).await?;
    Ok(ids.into_iter().filter(|id| !known.contains(id)).collect())
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
