//! The typed client to Conjure's `/api`. The browser only ever talks to Conjure, never to Asterisk.

use gloo_net::http::{Request, Response};
use model::api::{ApiError, AuditEntry, InventoryPage, ListQuery, ObjectView, SortKey, Status};
use model::{Field, ObjectType, id::encode_segment};
use serde::de::DeserializeOwned;

fn object_url(ty: ObjectType, id: &str) -> String {
    format!("/api/objects/{}/{}", ty.as_str(), encode_segment(id))
}

fn network(e: gloo_net::Error) -> ApiError {
    ApiError::new(format!("Conjure's server could not be reached ({e})")).with_hint(
        "Check that Conjure is running and your network connection works, then try again.",
    )
}

async fn error_of(resp: Response) -> ApiError {
    let status = resp.status();
    resp.json::<ApiError>().await.unwrap_or_else(|_| {
        ApiError::new(format!(
            "Conjure's server answered {status} {}",
            resp.status_text()
        ))
    })
}

async fn json<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    if resp.ok() {
        resp.json::<T>()
            .await
            .map_err(|e| ApiError::new(format!("unexpected answer from Conjure's server: {e}")))
    } else {
        Err(error_of(resp).await)
    }
}

/// `Ok(None)` when the object does not exist on Asterisk.
pub async fn get_object(ty: ObjectType, id: &str) -> Result<Option<ObjectView>, ApiError> {
    let resp = Request::get(&object_url(ty, id))
        .send()
        .await
        .map_err(network)?;
    if resp.status() == 404 {
        let err = error_of(resp).await;
        // A 404 from Asterisk means "no such object"; any other 404 is a real error.
        return if err.asterisk_status == Some(404) {
            Ok(None)
        } else {
            Err(err)
        };
    }
    json(resp).await.map(Some)
}

/// `replace`: delete and create again (to remove entries of identify `match` or aor `contact`).
pub async fn put_object(
    ty: ObjectType,
    id: &str,
    fields: Vec<Field>,
    replace: bool,
) -> Result<ObjectView, ApiError> {
    let body = model::api::SaveRequest { fields };
    let url = if replace {
        format!("{}?replace=true", object_url(ty, id))
    } else {
        object_url(ty, id)
    };
    let req = Request::put(&url).json(&body).map_err(network)?;
    json(req.send().await.map_err(network)?).await
}

/// For answers without a body (204).
async fn empty(resp: Response) -> Result<(), ApiError> {
    if resp.ok() {
        Ok(())
    } else {
        Err(error_of(resp).await)
    }
}

pub async fn delete_object(ty: ObjectType, id: &str) -> Result<(), ApiError> {
    empty(
        Request::delete(&object_url(ty, id))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

pub async fn status() -> Result<Status, ApiError> {
    json(Request::get("/api/status").send().await.map_err(network)?).await
}

pub async fn inventory(ty: ObjectType, q: &ListQuery) -> Result<InventoryPage, ApiError> {
    let sort = match q.sort {
        SortKey::Id => "id",
        SortKey::Updated => "updated",
    };
    let url = format!(
        "/api/inventory/{}?search={}&sort={sort}&descending={}&page={}&per_page={}",
        ty.as_str(),
        encode_segment(&q.search),
        q.descending,
        q.page,
        q.per_page
    );
    json(Request::get(&url).send().await.map_err(network)?).await
}

pub async fn adopt(ty: ObjectType, id: &str) -> Result<(), ApiError> {
    let url = format!(
        "/api/inventory/{}/{}/adopt",
        ty.as_str(),
        encode_segment(id)
    );
    empty(Request::post(&url).send().await.map_err(network)?).await
}

/// `qs` is the filters' query string.
pub async fn audit(qs: &str) -> Result<Vec<AuditEntry>, ApiError> {
    json(
        Request::get(&format!("/api/audit?{qs}"))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}
