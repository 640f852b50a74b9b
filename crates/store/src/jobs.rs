//! Records of background job runs (`core.job_runs`): LDAP sync, catalog refresh and other
//! scheduled work write one row per run, and status pages read the latest.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::with_pool;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Finished and applied its work.
    Success,
    /// Failed with an error.
    Failed,
    /// Stopped on purpose, keeping stored data (e.g. a safety check tripped).
    Aborted,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failed => "failed",
            Outcome::Aborted => "aborted",
        }
    }
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobRun {
    /// Row id.
    pub id: i64,
    /// The job's name.
    pub job: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished; `None` while running.
    pub finished_at: Option<DateTime<Utc>>,
    /// `success`, `failed` or `aborted`; `None` while running.
    pub outcome: Option<String>,
    /// Counts, error message or abort reason.
    pub detail: Option<String>,
    /// What it is doing now, while it runs.
    pub progress: Option<String>,
    /// Who started it by hand (a user ref); `None` for scheduled runs.
    pub requested_by: Option<String>,
}

const RUN_COLUMNS: &str =
    "id, job, started_at, finished_at, outcome, detail, progress, requested_by";

/// Job names are short identifiers, as they appear in metrics and URLs.
fn validate_job_name(job: &str) -> StoreResult<()> {
    let ok_char = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | ':')
    };
    if job.is_empty() || job.len() > 100 || !job.chars().all(ok_char) {
        return Err(StoreError::Invalid {
            field: "job",
            reason: format!("`{job}` must be 1-100 characters of a-z, 0-9, '-', '_', '.', ':'"),
        });
    }
    Ok(())
}

impl Db {
    /// Records the start of a run of `job` and returns its id.
    pub async fn start_job_run(&self, job: &str, at: DateTime<Utc>) -> StoreResult<i64> {
        self.start_job_run_by(job, None, at).await
    }

    /// Records the start of a run of `job` that `requested_by` asked for.
    pub async fn start_job_run_by(
        &self,
        job: &str,
        requested_by: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        validate_job_name(job)?;
        let id = with_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("INSERT INTO core.job_runs (job, started_at, requested_by) VALUES ($1, $2, $3) RETURNING id")
                .bind(job)
                .bind(at)
                .bind(requested_by)
                .fetch_one(pool)
                .await
        })?;
        Ok(id)
    }

    /// Records what run `id` is doing now (ignored once it finished).
    pub async fn set_job_progress(&self, id: i64, progress: &str) -> StoreResult<()> {
        with_pool!(self, pool => {
            sqlx::query("UPDATE core.job_runs SET progress = $1 WHERE id = $2 AND finished_at IS NULL")
                .bind(progress)
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Records how run `id` ended. A run finishes once: finishing it again is a conflict.
    pub async fn finish_job_run(
        &self,
        id: i64,
        outcome: Outcome,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let updated = with_pool!(self, pool => {
            sqlx::query("UPDATE core.job_runs SET finished_at = $1, outcome = $2, detail = $3 WHERE id = $4 AND finished_at IS NULL")
                .bind(at)
                .bind(outcome.as_str())
                .bind(detail)
                .bind(id)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        if updated == 1 {
            return Ok(());
        }
        match self.job_run(id).await? {
            Some(_) => Err(StoreError::Conflict(format!(
                "job run {id} has already finished"
            ))),
            None => Err(StoreError::NotFound(format!("job run {id}"))),
        }
    }

    /// One run by id.
    pub async fn job_run(&self, id: i64) -> StoreResult<Option<JobRun>> {
        let run = with_pool!(self, pool => {
            sqlx::query_as::<_, JobRun>(&format!("SELECT {RUN_COLUMNS} FROM core.job_runs WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(run)
    }

    /// The newest runs of `job`, newest first, at most `limit` (1-1000).
    pub async fn recent_job_runs(&self, job: &str, limit: i64) -> StoreResult<Vec<JobRun>> {
        validate_job_name(job)?;
        if !(1..=1000).contains(&limit) {
            return Err(StoreError::Invalid {
                field: "limit",
                reason: format!("{limit} is not within 1-1000"),
            });
        }
        let runs = with_pool!(self, pool => {
            sqlx::query_as::<_, JobRun>(&format!(
                "SELECT {RUN_COLUMNS} FROM core.job_runs WHERE job = $1 ORDER BY id DESC LIMIT $2"
            ))
            .bind(job)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?;
        Ok(runs)
    }
}
