//! Entity providers' status and manual syncs (Trellis' own endpoints beside Backstage's API):
//! `GET /providers` lists each LDAP org provider with its target, schedule, whether a sync is
//! running and its recent runs; `POST /providers/ldap-org/{id}/sync` starts one in the
//! background (202 with its run id; 404 for an unknown id, 409 while one runs).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use trellis_services::ldap::Providers;

use crate::auth::caller::Caller;
use crate::error::AppResult;
use crate::state::AppState;

/// Lists the providers with their recent runs.
pub async fn list_providers(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> AppResult<Json<Providers>> {
    Ok(Json(state.providers(&actor).await?))
}

/// Starts a sync of LDAP org provider `id`.
pub async fn sync_provider(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let run_id = state.services.sync_provider(&actor, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "runId": run_id, "status": format!("/api/jobs/runs/{run_id}") })),
    ))
}
