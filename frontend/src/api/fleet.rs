//! The servers and drift pages' part of the client: the fleet's state (long polled), its servers and
//! waiting changes, where an object goes, and drift with what to do about it.

use gloo_net::http::Method;
use model::api::ApiError;
use model::drift::{Action, DriftItem, DriftOutcome, DriftReport, DriftRequest};
use model::fleet::{
    FleetView, Moved, NewServer, NewTarget, PerServer, Placement, ServerAdded, ServerPatch,
    ServerRemoved,
};
use model::id::encode_segment;

use super::{call, get, parse, to_json};

/// `wait`: the `seq` last seen; the answer then comes at the fleet's next change (or after 25 s).
pub async fn fleet(wait: Option<u64>) -> Result<FleetView, ApiError> {
    match wait {
        Some(seq) => get(&format!("/api/fleet?wait={seq}")).await,
        None => get("/api/fleet").await,
    }
}

pub async fn add_server(new: &NewServer) -> Result<ServerAdded, ApiError> {
    parse(call(Method::POST, "/api/servers", to_json(new)).await?)
}

pub async fn change_server(name: &str, patch: &ServerPatch) -> Result<ServerAdded, ApiError> {
    let path = format!("/api/servers/{}", encode_segment(name));
    parse(call(Method::PATCH, &path, to_json(patch)).await?)
}

pub async fn remove_server(name: &str) -> Result<ServerRemoved, ApiError> {
    let path = format!("/api/servers/{}", encode_segment(name));
    parse(call(Method::DELETE, &path, None).await?)
}

pub async fn retry_pending(seq: i64) -> Result<(), ApiError> {
    let path = format!("/api/fleet/pending/{seq}/retry");
    call(Method::POST, &path, None).await.map(drop)
}

pub async fn discard_pending(seq: i64) -> Result<(), ApiError> {
    let path = format!("/api/fleet/pending/{seq}");
    call(Method::DELETE, &path, None).await.map(drop)
}

/// `undo`: put the object back where the change was applied; otherwise send the record again to the
/// servers that refused it.
pub async fn settle_split(token: &str, undo: bool) -> Result<PerServer, ApiError> {
    let path = format!(
        "/api/fleet/split/{}/{}",
        encode_segment(token),
        if undo { "undo" } else { "retry" }
    );
    parse(call(Method::POST, &path, None).await?)
}

fn object_path(ty: &str, id: &str) -> String {
    format!("/api/objects/{}/{}", encode_segment(ty), encode_segment(id))
}

/// Where an object goes now (read with the object itself).
pub async fn placement(ty: &str, id: &str) -> Result<Placement, ApiError> {
    get(&object_path(ty, id)).await
}

pub async fn move_object(ty: &str, id: &str, t: &NewTarget) -> Result<Moved, ApiError> {
    let path = format!("{}/target", object_path(ty, id));
    parse(call(Method::PUT, &path, to_json(t)).await?)
}

fn on_server(server: &Option<String>) -> String {
    server
        .as_ref()
        .map(|s| format!("?server={}", encode_segment(s)))
        .unwrap_or_default()
}

/// `server`: one server of the fleet; `None` for the command line's.
pub async fn drift(server: &Option<String>) -> Result<DriftReport, ApiError> {
    get(&format!("/api/drift{}", on_server(server))).await
}

pub async fn drift_act(
    server: &Option<String>,
    action: Action,
    items: Vec<DriftItem>,
) -> Result<Vec<DriftOutcome>, ApiError> {
    let path = format!("/api/drift{}", on_server(server));
    let body = to_json(&DriftRequest { action, items });
    parse(call(Method::POST, &path, body).await?)
}
