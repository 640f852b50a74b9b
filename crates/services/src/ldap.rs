//! The LDAP org provider plugin: each `catalog.providers.ldapOrg.<id>` syncs on its schedule (on
//! the replica holding the job's lease), and on demand (`trellis sync ldap`, `POST
//! /api/catalog/providers/ldap-org/{id}/sync`, which starts it in the background). Whatever
//! triggers it, one sync of a provider runs at a time across all replicas: a run holds the
//! lease `ldap-org:<id>:run` while it works. Every run is recorded in `core.job_runs`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::FutureExt;
use serde::Serialize;
use trellis_auth::{Action, ResourceType};
use trellis_ldap::{sync, LdapOrgConfig, SyncError, SyncOptions, SyncReport};
use trellis_store::jobs::JobRun;
use trellis_store::Db;

use crate::access::{Act, Actor};
use crate::config::Config;
use crate::error::{ServiceError, ServiceResult};
use crate::jobs::{RunCtx, RunFailure, RunResult};
use crate::plugin::{no_services, JobSpec, Plugin};
use crate::Services;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// The job's name for provider `id` (runs, leases, metrics).
pub fn job_name(id: &str) -> String {
    format!("ldap-org:{id}")
}

/// The LDAP org provider plugin (its entities live in the catalog's tables).
pub fn plugin() -> Plugin {
    Plugin {
        name: "ldap-org",
        config_key: "catalog.providers.ldapOrg",
        migrations: &[],
        jobs,
        services: no_services,
        pages: &[],
        metrics,
        widgets: crate::widget::no_widgets,
    }
}

/// What each provider's last applied sync did, and when it succeeded.
fn metrics(registry: &mut Registry, runs: &[(JobSpec, Vec<JobRun>)]) {
    let last = Family::<Vec<(String, String)>, Gauge>::default();
    let entities = Family::<Vec<(String, String)>, Gauge>::default();
    for (job, runs) in runs {
        let Some(provider) = job.name.strip_prefix("ldap-org:") else {
            continue;
        };
        let Some(run) = runs
            .iter()
            .find(|r| r.outcome.as_deref() == Some("success"))
        else {
            continue;
        };
        last.get_or_create(&vec![("provider".into(), provider.into())])
            .set(run.started_at.timestamp());
        let detail: serde_json::Value = run
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        for change in ["added", "changed", "removed", "unchanged"] {
            let n = detail["summary"][change].as_i64().unwrap_or(0);
            entities
                .get_or_create(&vec![
                    ("provider".into(), provider.into()),
                    ("change".into(), change.into()),
                ])
                .set(n);
        }
    }
    registry.register(
        "trellis_ldap_sync_last_success_timestamp_seconds",
        "When the provider's last applied sync started",
        last,
    );
    registry.register(
        "trellis_ldap_sync_entities",
        "What the provider's last applied sync did, by change",
        entities,
    );
}

fn jobs(config: &Config) -> Vec<JobSpec> {
    config
        .catalog
        .providers
        .ldap_org
        .iter()
        .map(|(id, provider)| {
            let key = id.clone();
            JobSpec {
                name: job_name(id),
                label: format!("LDAP org sync `{id}`"),
                target: provider.target.clone(),
                interval: provider.frequency().unwrap_or(Duration::from_secs(3600)),
                run: Arc::new(move |services, ctx| {
                    let id = key.clone();
                    async move { scheduled_sync(&services, &id, ctx).await }.boxed()
                }),
            }
        })
        .collect()
}

/// Why a sync could not start or did not apply.
#[derive(Debug, thiserror::Error)]
pub enum SyncRunError {
    /// No such provider in the config.
    #[error("no LDAP org provider `{0}` is configured (catalog.providers.ldapOrg)")]
    Unknown(String),
    /// Another sync of the provider is running.
    #[error("a sync of `{0}` is already running")]
    Busy(String),
    /// The sync was aborted; stored data is unchanged.
    #[error("sync aborted, stored org unchanged: {0}")]
    Aborted(SyncError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] trellis_store::StoreError),
}

/// The run lease of provider `id`, held by this process while one of its syncs runs.
struct RunLease {
    db: Db,
    name: String,
    holder: String,
}

impl RunLease {
    /// Takes the lease, or says who is syncing.
    async fn take(db: &Db, id: &str) -> Result<RunLease, SyncRunError> {
        let name = format!("{}:run", job_name(id));
        let holder = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        let now = Utc::now();
        // Longer than any sync can take: each directory operation is bounded by `timeoutSecs`.
        let until = now + chrono::Duration::minutes(30);
        if !db.try_acquire_lease(&name, &holder, now, until).await? {
            return Err(SyncRunError::Busy(id.to_string()));
        }
        Ok(RunLease {
            db: db.clone(),
            name,
            holder,
        })
    }

    async fn release(self) {
        let _ = self.db.release_lease(&self.name, &self.holder).await;
    }
}

/// Syncs provider `id` once while holding its run lease, reporting progress lines.
pub async fn sync_now(
    db: &Db,
    providers: &BTreeMap<String, LdapOrgConfig>,
    id: &str,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<SyncReport, SyncRunError> {
    let config = providers
        .get(id)
        .ok_or_else(|| SyncRunError::Unknown(id.to_string()))?;
    let lease = RunLease::take(db, id).await?;
    let result = sync(db, config, SyncOptions { id, progress }).await;
    lease.release().await;
    match result {
        Ok(report) => {
            tracing::info!(
                provider = id,
                users = report.users,
                groups = report.groups,
                added = report.summary.added,
                changed = report.summary.changed,
                removed = report.summary.removed,
                read_ms = report.read_ms as u64,
                apply_ms = report.apply_ms as u64,
                "ldap sync done"
            );
            Ok(report)
        }
        Err(SyncError::Store(e)) => Err(SyncRunError::Store(e)),
        Err(e) => Err(SyncRunError::Aborted(e)),
    }
}

/// [`sync_now`] recorded as a run of the provider's job (`trellis sync ldap`).
pub async fn sync_recorded(
    db: &Db,
    providers: &BTreeMap<String, LdapOrgConfig>,
    id: &str,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<SyncReport, SyncRunError> {
    if !providers.contains_key(id) {
        return Err(SyncRunError::Unknown(id.to_string()));
    }
    let run_id = db.start_job_run(&job_name(id), Utc::now()).await?;
    let result = sync_now(db, providers, id, progress).await;
    let (outcome, detail) = match &result {
        Ok(report) => (
            trellis_store::jobs::Outcome::Success,
            serde_json::to_string(report).unwrap_or_default(),
        ),
        Err(SyncRunError::Store(e)) => (trellis_store::jobs::Outcome::Failed, e.to_string()),
        Err(e) => (trellis_store::jobs::Outcome::Aborted, e.to_string()),
    };
    db.finish_job_run(run_id, outcome, Some(&detail), Utc::now())
        .await?;
    result
}

fn outcome(result: Result<SyncReport, SyncRunError>) -> RunResult {
    match result {
        Ok(report) => Ok(serde_json::to_value(report).unwrap_or_default()),
        Err(SyncRunError::Store(e)) => Err(RunFailure::Failed(e.to_string())),
        Err(e) => Err(RunFailure::Aborted(e.to_string())),
    }
}

async fn scheduled_sync(services: &Services, id: &str, ctx: RunCtx) -> RunResult {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut progress = move |line: &str| {
        let _ = tx.send(line.to_string());
    };
    let providers = &services.config.catalog.providers.ldap_org;
    let work = sync_now(&services.db, providers, id, &mut progress);
    tokio::pin!(work);
    loop {
        tokio::select! {
            result = &mut work => return outcome(result),
            Some(line) = rx.recv() => ctx.progress(&line).await,
        }
    }
}

/// One provider's status.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderStatus {
    /// `catalog.providers.ldapOrg.<id>`.
    pub id: String,
    /// Directory URL.
    pub target: String,
    /// Seconds between scheduled syncs.
    pub frequency_seconds: u64,
    /// Whether a sync is running now (on any replica).
    pub running: bool,
    /// The ten newest runs, newest first.
    pub runs: Vec<JobRun>,
}

/// `{"ldapOrg": [...]}`: every entity provider.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ProvidersResponse))]
pub struct Providers {
    /// LDAP org providers.
    #[serde(rename = "ldapOrg")]
    pub ldap_org: Vec<ProviderStatus>,
}

impl Services {
    /// Every provider with its recent runs (an admin read).
    pub async fn providers(&self, actor: &Actor) -> ServiceResult<Providers> {
        self.authorize(
            actor,
            Act::unowned(Action::Read, ResourceType::Admin, "providers"),
        )
        .await?;
        let mut out = Vec::new();
        for (id, config) in &self.config.catalog.providers.ldap_org {
            let job = job_name(id);
            let runs = self.db.recent_job_runs(&job, 10).await?;
            let running = self
                .db
                .lease_holder(&format!("{job}:run"), Utc::now())
                .await?
                .is_some();
            out.push(ProviderStatus {
                id: id.clone(),
                target: config.target.clone(),
                frequency_seconds: config.frequency().map(|d| d.as_secs()).unwrap_or(3600),
                running,
                runs,
            });
        }
        Ok(Providers { ldap_org: out })
    }

    /// Starts a sync of provider `id` in the background and answers its run id: 404 for an
    /// unknown provider, 409 while one of its syncs runs (on any replica).
    pub async fn sync_provider(self: &Arc<Self>, actor: &Actor, id: &str) -> ServiceResult<i64> {
        let target = job_name(id);
        let act = Act::unowned(Action::Sync, ResourceType::Admin, &target);
        self.guarded(actor, act, async {
            if !self.config.catalog.providers.ldap_org.contains_key(id) {
                return Err(ServiceError::NotFound(
                    SyncRunError::Unknown(id.to_string()).to_string(),
                ));
            }
            let busy = self
                .db
                .lease_holder(&format!("{target}:run"), Utc::now())
                .await?
                .is_some();
            if busy {
                return Err(ServiceError::Conflict(
                    SyncRunError::Busy(id.to_string()).to_string(),
                ));
            }
            let services = self.clone();
            let key = id.to_string();
            let by = actor.identity.user_ref.clone();
            let (run_id, _) = self
                .start_run(&target, Some(&by), move |ctx| async move {
                    scheduled_sync(&services, &key, ctx).await
                })
                .await?;
            Ok(run_id)
        })
        .await
    }
}
