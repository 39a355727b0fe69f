//! `/api/config-imports`: a static configuration (pjsip.conf, pjsip_wizard.conf, or an archive of the
//! configuration folder) planned against Asterisk before anything is pushed. Admins only.

use axum::Json;
use axum::extract::{Query, Request, State};
use model::config_import::Plan;

use crate::domain::Domain;
use crate::error::{AppError, WebError};
use crate::static_config;

/// The largest upload read.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

#[derive(serde::Deserialize)]
pub struct PlanQuery {
    /// The uploaded file's name (`pjsip.conf`, `asterisk.zip`); an archive is told by its bytes.
    #[serde(default = "default_name")]
    name: String,
}

fn default_name() -> String {
    "pjsip.conf".into()
}

/// `POST /api/config-imports/plan?name=…` with the file as the body.
pub async fn plan(
    State(st): State<Domain>,
    Query(q): Query<PlanQuery>,
    req: Request,
) -> Result<Json<Plan>, AppError> {
    let bytes = axum::body::to_bytes(req.into_body(), MAX_UPLOAD)
        .await
        .map_err(|_| WebError::TooLarge(MAX_UPLOAD))?;
    Ok(Json(
        static_config::plan_upload(&st, &q.name, &bytes).await?,
    ))
}
