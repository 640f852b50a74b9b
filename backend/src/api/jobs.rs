//! `GET /api/jobs/runs/{id}`: one run of a background job, while it runs (its progress) and
//! after (its outcome and result). An admin read. [`RunStarted`] is what the operations that
//! start a run answer.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, ServiceUnavailable,
};
use crate::state::AppState;

/// The 202 answer of an operation that started a background run.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunStarted {
    /// The run's id.
    pub run_id: i64,
    /// Where to follow it: `/api/jobs/runs/{runId}`.
    #[schema(example = "/api/jobs/runs/42")]
    pub status: String,
}

impl RunStarted {
    /// The answer for run `run_id`.
    pub fn new(run_id: i64) -> Self {
        RunStarted {
            run_id,
            status: format!("/api/jobs/runs/{run_id}"),
        }
    }
}

/// A background run, while it runs and after.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobRunStatus {
    /// The run's id.
    pub id: i64,
    /// The job's name, e.g. `catalog-refresh`.
    pub job: String,
    /// `running`, then `success`, `failed` or `aborted`.
    #[schema(example = "running")]
    pub state: String,
    /// When it started.
    #[schema(value_type = String, format = DateTime)]
    pub started_at: DateTime<Utc>,
    /// When it finished; `null` while running.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<DateTime<Utc>>,
    /// What it is doing now, while it runs.
    pub progress: Option<String>,
    /// Who started it (a user ref); `null` for scheduled runs.
    pub requested_by: Option<String>,
    /// The outcome's detail once finished: JSON where it is JSON (a catalog refresh's
    /// `{summary}`, an LDAP sync's `{users, groups, problems, summary, readMs, applyMs}`),
    /// else the message (why it failed or aborted).
    #[schema(value_type = Option<Value>)]
    pub result: Option<Value>,
}

/// Get a background run
///
/// One run of a background job by id, while it runs (its progress) and after (its outcome and
/// result). An admin read.
#[utoipa::path(
    get,
    path = "/runs/{id}",
    tag = "Jobs",
    operation_id = "getJobRun",
    params(("id" = i64, Path, description = "The run's id, as a `202` answer gave it.")),
    responses(
        (status = 200, description = "The run.", body = JobRunStatus),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn get_job_run(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<Json<JobRunStatus>> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::input(format!("run id: `{id}` is not a number")))?;
    let run = state.job_run(&actor, id).await?;
    let result = run
        .detail
        .as_deref()
        .map(|d| serde_json::from_str::<Value>(d).unwrap_or_else(|_| Value::String(d.to_string())));
    Ok(Json(JobRunStatus {
        id: run.id,
        job: run.job,
        state: run.outcome.unwrap_or_else(|| "running".into()),
        started_at: run.started_at,
        finished_at: run.finished_at,
        progress: run.progress,
        requested_by: run.requested_by,
        result,
    }))
}
