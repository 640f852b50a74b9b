//! `GET /api/jobs/runs/{id}`: one run of a background job, while it runs (its progress) and
//! after (its outcome and result). An admin read.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The run, with its detail as JSON where it is JSON.
pub async fn get_job_run(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::input(format!("run id: `{id}` is not a number")))?;
    let run = state.job_run(&actor, id).await?;
    let detail = run
        .detail
        .as_deref()
        .map(|d| serde_json::from_str::<Value>(d).unwrap_or_else(|_| Value::String(d.to_string())));
    let state = match run.outcome.as_deref() {
        None => "running",
        Some(outcome) => outcome,
    };
    Ok(Json(serde_json::json!({
        "id": run.id,
        "job": run.job,
        "state": state,
        "startedAt": run.started_at,
        "finishedAt": run.finished_at,
        "progress": run.progress,
        "requestedBy": run.requested_by,
        "result": detail,
    })))
}
