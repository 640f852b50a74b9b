//! `GET /metrics`: Prometheus' text exposition format (version 0.0.4) of the background jobs,
//! read from `core.job_runs`, so every replica reports the same, whichever ran the job:
//! when each job last ran, how long it took and whether it applied, and for each LDAP org
//! provider what its last applied sync changed and when it last succeeded.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use trellis_store::jobs::JobRun;

use crate::error::AppResult;
use crate::jobs::{catalog_refresh, ldap_sync};
use crate::state::AppState;

/// Renders the metrics.
pub async fn get_metrics(State(state): State<AppState>) -> AppResult<impl IntoResponse> {
    let mut jobs: Vec<(String, Option<String>)> = vec![(catalog_refresh::JOB.to_string(), None)];
    for id in state.config.catalog.providers.ldap_org.keys() {
        jobs.push((ldap_sync::job_name(id), Some(id.clone())));
    }
    let mut last = Vec::new();
    for (job, provider) in jobs {
        let runs = state.db.recent_job_runs(&job, 50).await?;
        last.push((job, provider, runs));
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&last),
    ))
}

fn render(jobs: &[(String, Option<String>, Vec<JobRun>)]) -> String {
    let mut out = String::new();
    let finished = |runs: &[JobRun]| runs.iter().find(|r| r.finished_at.is_some()).cloned();
    gauge(
        &mut out,
        "trellis_job_last_run_timestamp_seconds",
        "When the job's last finished run started.",
    );
    for (job, _, runs) in jobs {
        if let Some(run) = finished(runs) {
            let _ = writeln!(
                out,
                "trellis_job_last_run_timestamp_seconds{{job=\"{job}\"}} {}",
                run.started_at.timestamp()
            );
        }
    }
    gauge(
        &mut out,
        "trellis_job_last_run_duration_seconds",
        "How long the job's last finished run took.",
    );
    for (job, _, runs) in jobs {
        if let Some((run, end)) = finished(runs).and_then(|r| r.finished_at.map(|end| (r, end))) {
            let secs = (end - run.started_at).num_milliseconds() as f64 / 1000.0;
            let _ = writeln!(
                out,
                "trellis_job_last_run_duration_seconds{{job=\"{job}\"}} {secs}"
            );
        }
    }
    gauge(
        &mut out,
        "trellis_job_last_run_success",
        "1 if the job's last finished run applied, 0 if it failed or was aborted.",
    );
    for (job, _, runs) in jobs {
        if let Some(run) = finished(runs) {
            let ok = u8::from(run.outcome.as_deref() == Some("success"));
            let _ = writeln!(out, "trellis_job_last_run_success{{job=\"{job}\"}} {ok}");
        }
    }
    gauge(
        &mut out,
        "trellis_ldap_sync_last_success_timestamp_seconds",
        "When the provider's last applied sync started.",
    );
    gauge(
        &mut out,
        "trellis_ldap_sync_entities",
        "What the provider's last applied sync did, by change.",
    );
    for (_, provider, runs) in jobs {
        let Some(provider) = provider else { continue };
        let Some(run) = runs
            .iter()
            .find(|r| r.outcome.as_deref() == Some("success"))
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "trellis_ldap_sync_last_success_timestamp_seconds{{provider=\"{provider}\"}} {}",
            run.started_at.timestamp()
        );
        let detail: serde_json::Value = run
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        for change in ["added", "changed", "removed", "unchanged"] {
            let n = detail["summary"][change].as_u64().unwrap_or(0);
            let _ = writeln!(
                out,
                "trellis_ldap_sync_entities{{provider=\"{provider}\",change=\"{change}\"}} {n}"
            );
        }
    }
    out
}

fn gauge(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
}
