//! The admin page's data: each background job (catalog refresh, each LDAP org sync) with its
//! recent runs — when, how long, applied or aborted, and what it changed or why it stopped.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A background job and its recent runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    /// Job name (`catalog-refresh`, `ldap-org:<id>`).
    pub name: String,
    /// What it does.
    pub label: String,
    /// What it reads (locations, a directory URL).
    pub target: String,
    /// Newest first.
    pub runs: Vec<RunView>,
}

/// One run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    /// Start, `YYYY-MM-DD HH:MM:SS` (UTC).
    pub started_at: String,
    /// Duration, once finished.
    pub duration_ms: Option<i64>,
    /// `success`, `failed`, `aborted`; `None` while running.
    pub outcome: Option<String>,
    /// Counts, or the reason it failed or stopped.
    pub detail: Option<String>,
}

/// The jobs with their ten newest runs.
#[server(prefix = "/_sf", endpoint = "admin/jobs")]
pub async fn admin_jobs() -> Result<Vec<JobStatus>, ServerFnError> {
    use crate::api::server::{identity, may, portal, store_error};
    use trellis_auth::{Action, ResourceType};
    let portal = portal()?;
    let me = identity()?;
    may(
        &portal,
        &me,
        Action::Read,
        ResourceType::Admin,
        "see the admin page",
    )?;
    let mut out = Vec::new();
    for job in portal.jobs.iter() {
        let runs = portal
            .db
            .recent_job_runs(&job.name, 10)
            .await
            .map_err(store_error)?;
        out.push(JobStatus {
            name: job.name.clone(),
            label: job.label.clone(),
            target: job.target.clone(),
            runs: runs
                .into_iter()
                .map(|r| RunView {
                    started_at: r.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    duration_ms: r.finished_at.map(|f| (f - r.started_at).num_milliseconds()),
                    outcome: r.outcome,
                    detail: r.detail,
                })
                .collect(),
        });
    }
    Ok(out)
}
