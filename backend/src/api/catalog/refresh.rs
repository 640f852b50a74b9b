//! `POST /refresh`. With `{"entityRef": ...}` (Backstage's client): re-reads that entity's
//! file now and answers 200 with what changed. Without: starts a refresh of every location in
//! the background and answers 202 with its run id (`GET /api/jobs/runs/{id}` follows it).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Optional body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RefreshRequest {
    entity_ref: Option<String>,
    /// Sent by older Backstage clients; unused.
    #[serde(default)]
    authorization_token: Option<String>,
}

/// Refreshes one entity, or starts a refresh of the whole catalog.
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
            let body = json!({ "runId": run_id, "status": format!("/api/jobs/runs/{run_id}") });
            Ok((StatusCode::ACCEPTED, Json(body)).into_response())
        }
    }
}
