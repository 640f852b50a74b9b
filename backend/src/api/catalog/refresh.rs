//! `POST /refresh`. With `{"entityRef": ...}` (Backstage's client): re-reads that entity's
//! file now and answers 200 with what changed. Without: starts a refresh of every location in
//! the background and answers 202 with its run id (`GET /api/jobs/runs/{id}` follows it).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use crate::api::jobs::RunStarted;
use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, ServiceUnavailable,
};
use crate::state::AppState;

/// Body of `POST /refresh`; optional.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RefreshRequest {
    /// Entity to refresh; it must exist (and the caller may refresh it). An unparseable ref is a
    /// 400. Without it, the whole catalog is refreshed.
    #[schema(example = "component:default/petstore")]
    entity_ref: Option<String>,
    /// Sent by older Backstage clients; accepted, not used.
    #[serde(default)]
    authorization_token: Option<String>,
}

/// Refresh an entity, or the whole catalog
///
/// With `entityRef` (what Backstage's client sends): re-reads the file that entity came from,
/// now, and answers 200 with what changed. The entity must exist (404 otherwise), the caller
/// must be allowed to refresh it (its owners and admins; 403 otherwise), and it must have been
/// read from a file location (409 otherwise: refresh its provider instead). Without `entityRef`
/// (or with an empty body): starts a refresh of every registered location in the background
/// (admins) and answers 202 with the run's id; `GET /api/jobs/runs/{id}` follows it.
#[utoipa::path(
    post,
    path = "/refresh",
    tag = "Entity",
    operation_id = "refreshEntity",
    request_body = Option<RefreshRequest>,
    responses(
        (status = 200, description = "The entity's file was read again: what changed.", body = trellis_catalog::store::ApplySummary),
        (status = 202, description = "A refresh of the whole catalog started.", body = RunStarted),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn post_refresh(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: Bytes,
) -> AppResult<Response> {
    let request: RefreshRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RefreshRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::input(format!("Malformed request body: {e}")))?
    };
    let _ = request.authorization_token;
    match request.entity_ref {
        Some(entity_ref) => {
            let summary = state.refresh_entity(&actor, &entity_ref).await?;
            Ok(Json(summary).into_response())
        }
        None => {
            let run_id = state.services.refresh_catalog(&actor).await?;
            Ok((StatusCode::ACCEPTED, Json(RunStarted::new(run_id))).into_response())
        }
    }
}
