//! Background jobs: each has a name, a schedule and an idempotent `run`. With several replicas,
//! a job runs on the replica holding its lease in `core.leases`.

pub mod catalog_refresh;
pub mod ldap_sync;

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use trellis_frontend::api::JobInfo;

use crate::config::Config;
use crate::state::AppState;

/// Runs `job` at start and then every `interval`, on the replica that holds the job's lease
/// (taken for twice the interval and renewed each round, so a dead holder's turn passes on).
pub fn schedule<F, Fut>(
    state: AppState,
    job: String,
    interval: Duration,
    run: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    tokio::spawn(async move {
        let holder = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        let hold = chrono::Duration::from_std(interval * 2).unwrap_or(chrono::Duration::hours(2));
        loop {
            let now = Utc::now();
            match state
                .db
                .try_acquire_lease(&job, &holder, now, now + hold)
                .await
            {
                Ok(true) => {
                    if let Err(e) = run(state.clone()).await {
                        tracing::error!(job, "{e:#}");
                    }
                }
                Ok(false) => tracing::debug!(job, "another replica holds the lease"),
                Err(e) => tracing::warn!(job, error = %e, "cannot take the lease"),
            }
            tokio::time::sleep(interval).await;
        }
    })
}

/// The jobs the admin page lists: the catalog refresh and each LDAP org provider.
pub fn admin_jobs(config: &Config) -> Vec<JobInfo> {
    let locations: Vec<String> = config.catalog_locations().iter().map(|l| l.key()).collect();
    let mut jobs = vec![JobInfo {
        name: catalog_refresh::JOB.into(),
        label: "Catalog refresh".into(),
        target: if locations.is_empty() {
            "no configured locations".into()
        } else {
            locations.join(", ")
        },
    }];
    for (id, provider) in &config.catalog.providers.ldap_org {
        jobs.push(JobInfo {
            name: ldap_sync::job_name(id),
            label: format!("LDAP org sync `{id}`"),
            target: provider.target.clone(),
        });
    }
    jobs
}
