//! `catalog-refresh`: re-reads every registered location (those in the config, kept in step
//! with it first, and those added through the API) and applies the result. Idempotent: a
//! refresh with no changes writes nothing but its run record.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use trellis_catalog::store::{
    apply_stream, list_locations, stream_locations, sync_config_locations, ApplySummary, Scope,
};
use trellis_store::jobs::Outcome;

use crate::state::AppState;

/// The job's name in run records and leases.
pub const JOB: &str = "catalog-refresh";

/// Reads and applies all locations once; serialized with any other refresh of this replica.
pub async fn run(state: &AppState) -> anyhow::Result<ApplySummary> {
    let _one_at_a_time = state.refresh_lock.lock().await;
    sync_config_locations(&state.db, &state.config.catalog_locations(), Utc::now()).await?;
    let locations: Vec<_> = list_locations(&state.db)
        .await?
        .iter()
        .map(|l| l.spec())
        .collect();
    let registered: BTreeSet<String> = locations.iter().map(|l| l.key()).collect();
    let options = state.config.catalog.read_options(state.shutdown.clone());
    let run_id = state.db.start_job_run(JOB, Utc::now()).await?;
    let started = std::time::Instant::now();
    // The read streams into the apply: reading and writing overlap, and the catalog is never
    // held in memory as a whole.
    let read = stream_locations(locations, options);
    let applied = apply_stream(&state.db, read, &Scope::Locations(registered), Utc::now()).await;
    tracing::info!(
        job = JOB,
        ms = started.elapsed().as_millis(),
        "catalog refresh timing"
    );
    match applied {
        Ok(summary) => {
            let detail = serde_json::json!({ "summary": summary }).to_string();
            state
                .db
                .finish_job_run(run_id, Outcome::Success, Some(&detail), Utc::now())
                .await?;
            Ok(summary)
        }
        Err(e) => {
            let _ = state
                .db
                .finish_job_run(run_id, Outcome::Failed, Some(&e.to_string()), Utc::now())
                .await;
            Err(e).context("applying the catalog read")
        }
    }
}

/// Refreshes at start and then every `catalog.refresh_interval_secs`, on the replica that holds
/// the job's lease.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    let interval = Duration::from_secs(state.config.catalog.refresh_interval_secs);
    super::schedule(state, JOB.into(), interval, |state| async move {
        run(&state).await.map(|_| ())
    })
}
