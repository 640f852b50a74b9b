//! `ldap-org:<id>`: syncs each `catalog.providers.ldapOrg.<id>` on its schedule (on the replica
//! holding the job's lease), and on demand (`trellis sync ldap`, `POST /api/catalog/providers/
//! ldap-org/{id}/sync`). Whatever triggers it, one sync of a provider runs at a time across all
//! replicas: each run holds the lease `ldap-org:<id>:run` while it works. Every run is recorded
//! in `core.job_runs` (success with its counts, aborted with the reason).

use std::time::Duration;

use chrono::Utc;
use trellis_ldap::{sync, LdapOrgConfig, SyncError, SyncOptions, SyncReport};
use trellis_store::jobs::Outcome;
use trellis_store::Db;

use crate::state::AppState;

/// The job's name for provider `id` (runs, leases, metrics).
pub fn job_name(id: &str) -> String {
    format!("ldap-org:{id}")
}

/// Why a triggered sync did not run or did not apply.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// No such provider in the config.
    #[error("no LDAP org provider `{0}` is configured (catalog.providers.ldapOrg)")]
    Unknown(String),
    /// Another sync of the provider is running.
    #[error("a sync of `{0}` is already running")]
    Busy(String),
    /// The sync was aborted; stored data is unchanged.
    #[error("sync aborted, stored org unchanged: {0}")]
    Aborted(SyncError),
    /// Recording the run failed.
    #[error(transparent)]
    Store(#[from] trellis_store::StoreError),
}

/// Syncs provider `id` once, reporting progress lines to `progress`.
pub async fn run(
    db: &Db,
    providers: &std::collections::BTreeMap<String, LdapOrgConfig>,
    id: &str,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<SyncReport, RunError> {
    let config = providers
        .get(id)
        .ok_or_else(|| RunError::Unknown(id.to_string()))?;
    let job = job_name(id);
    let lock = format!("{job}:run");
    let holder = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let now = Utc::now();
    // Longer than any sync can take: each directory operation is bounded by `timeoutSecs`.
    let until = now + chrono::Duration::minutes(30);
    if !db.try_acquire_lease(&lock, &holder, now, until).await? {
        return Err(RunError::Busy(id.to_string()));
    }
    let run_id = db.start_job_run(&job, Utc::now()).await;
    let result = match run_id {
        Ok(run_id) => {
            let result = sync(db, config, SyncOptions { id, progress }).await;
            let (outcome, detail) = match &result {
                Ok(report) => (
                    Outcome::Success,
                    serde_json::to_string(report).unwrap_or_default(),
                ),
                Err(SyncError::Store(e)) => (Outcome::Failed, e.to_string()),
                Err(e) => (Outcome::Aborted, e.to_string()),
            };
            match &result {
                Ok(report) => tracing::info!(
                    job,
                    users = report.users,
                    groups = report.groups,
                    added = report.summary.added,
                    changed = report.summary.changed,
                    removed = report.summary.removed,
                    read_ms = report.read_ms as u64,
                    apply_ms = report.apply_ms as u64,
                    "ldap sync done"
                ),
                Err(e) => tracing::warn!(job, reason = %e, "ldap sync aborted; stored org kept"),
            }
            db.finish_job_run(run_id, outcome, Some(&detail), Utc::now())
                .await?;
            result.map_err(RunError::Aborted)
        }
        Err(e) => Err(RunError::Store(e)),
    };
    let _ = db.release_lease(&lock, &holder).await;
    result
}

/// Schedules every configured provider; each syncs at start and then every `frequency` on the
/// replica holding its lease.
pub fn spawn(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let providers = &state.config.catalog.providers.ldap_org;
    providers
        .iter()
        .map(|(id, config)| {
            let interval = config.frequency().unwrap_or(Duration::from_secs(3600));
            let id = id.clone();
            super::schedule(state.clone(), job_name(&id), interval, move |state| {
                let id = id.clone();
                async move {
                    let mut quiet = |_: &str| {};
                    let providers = &state.config.catalog.providers.ldap_org;
                    run(&state.db, providers, &id, &mut quiet).await?;
                    Ok(())
                }
            })
        })
        .collect()
}
