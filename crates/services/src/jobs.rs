//! Background work, of two kinds, never run inside a request:
//!
//! - **Runs** of jobs (scheduled, or started by hand through the API): each is a row in
//!   `core.job_runs` with its progress and result, executed on its own task, so a dropped
//!   request cannot leave it (or a lease it holds) unfinished. `GET /api/jobs/runs/{id}` shows
//!   it. A scheduled job runs on the replica holding its lease (`core.leases`).
//! - **Per-replica services** (cache warmers now; kube reflectors and integration refreshers
//!   next): started with the server, each with a readiness flag `/readyz` reports.
//!
//! Both stop cooperatively at shutdown: the server's [`CancellationToken`] reaches every run
//! and service, and a run stopped that way is recorded as aborted.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use trellis_store::jobs::Outcome;

use crate::error::{ServiceError, ServiceResult};
use crate::plugin::{JobSpec, ServiceSpec};
use crate::Services;

/// How a run ended, when it did not succeed.
#[derive(Debug)]
pub enum RunFailure {
    /// It failed; the message says why.
    Failed(String),
    /// It stopped on purpose, keeping stored data (a safety check, the server stopping).
    Aborted(String),
}

/// A run's result: its detail (counts) as JSON, or why it did not apply.
pub type RunResult = Result<Value, RunFailure>;

impl From<anyhow::Error> for RunFailure {
    fn from(e: anyhow::Error) -> Self {
        RunFailure::Failed(format!("{e:#}"))
    }
}

/// What a run gets: its id, a way to report progress, and the stop signal.
#[derive(Debug, Clone)]
pub struct RunCtx {
    /// The run's id in `core.job_runs`.
    pub run_id: i64,
    /// Cancelled when the server stops.
    pub stop: CancellationToken,
    db: trellis_store::Db,
}

impl RunCtx {
    /// Records what the run is doing now (best effort: a failure to record is only logged).
    pub async fn progress(&self, text: &str) {
        if let Err(e) = self.db.set_job_progress(self.run_id, text).await {
            tracing::debug!(run = self.run_id, error = %e, "progress not recorded");
        }
    }
}

/// A per-replica service's readiness flag.
#[derive(Debug, Clone)]
pub struct Ready {
    name: String,
    board: Arc<Readiness>,
}

impl Ready {
    /// Marks the service ready (or not, with why).
    pub fn set(&self, ready: bool, detail: Option<String>) {
        if let Ok(mut map) = self.board.services.write() {
            if let Some(entry) = map.get_mut(&self.name) {
                entry.ready = ready;
                entry.detail = detail;
            }
        }
    }
}

/// One service as `/readyz` reports it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceState {
    /// Name.
    pub name: String,
    /// Whether the replica waits for it.
    pub required: bool,
    /// Whether it is ready.
    pub ready: bool,
    /// Why not, or what it last did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The readiness of this replica's services.
#[derive(Debug, Default)]
pub struct Readiness {
    services: RwLock<BTreeMap<String, ServiceState>>,
}

impl Readiness {
    /// Every service's state, by name.
    pub fn states(&self) -> Vec<ServiceState> {
        self.services
            .read()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    fn register(self: &Arc<Self>, spec: &ServiceSpec) -> Ready {
        if let Ok(mut map) = self.services.write() {
            map.insert(
                spec.name.clone(),
                ServiceState {
                    name: spec.name.clone(),
                    required: spec.required,
                    ready: false,
                    detail: Some("starting".into()),
                },
            );
        }
        Ready {
            name: spec.name.clone(),
            board: self.clone(),
        }
    }
}

/// The tasks of this replica's background work, to wait for at shutdown.
#[derive(Debug, Default)]
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
}

impl Background {
    /// Waits up to `limit` for every scheduler and service to end after the stop signal.
    pub async fn wait(self, limit: Duration) {
        let all = futures_util::future::join_all(self.tasks);
        if tokio::time::timeout(limit, all).await.is_err() {
            tracing::warn!(
                "background work still running {} s after shutdown",
                limit.as_secs()
            );
        }
    }
}

impl Services {
    /// Starts a run of `job` in the background and answers its id at once. The run is
    /// recorded as started, then as finished (success with `work`'s detail, failed, or aborted)
    /// when `work` ends. Recording and working happen on one task of their own: whatever
    /// happens to the request that started it, a recorded run is always finished.
    pub async fn start_run<F, Fut>(
        self: &Arc<Self>,
        job: &str,
        requested_by: Option<&str>,
        work: F,
    ) -> ServiceResult<(i64, JoinHandle<()>)>
    where
        F: FnOnce(RunCtx) -> Fut + Send + 'static,
        Fut: Future<Output = RunResult> + Send + 'static,
    {
        let db = self.db.clone();
        let stop = self.shutdown.child_token();
        let (job, by) = (job.to_string(), requested_by.map(str::to_string));
        let (started, id) = tokio::sync::oneshot::channel();
        let handle = tokio::spawn(async move {
            let run_id = match db.start_job_run_by(&job, by.as_deref(), Utc::now()).await {
                Ok(run_id) => run_id,
                Err(e) => {
                    let _ = started.send(Err(e));
                    return;
                }
            };
            let _ = started.send(Ok(run_id));
            let ctx = RunCtx {
                run_id,
                stop: stop.clone(),
                db: db.clone(),
            };
            let result = tokio::select! {
                result = work(ctx) => result,
                () = stop.cancelled() => Err(RunFailure::Aborted("the server stopped during the run".into())),
            };
            let (outcome, detail) = match &result {
                Ok(detail) => (Outcome::Success, detail.to_string()),
                Err(RunFailure::Failed(m)) => (Outcome::Failed, m.clone()),
                Err(RunFailure::Aborted(m)) => (Outcome::Aborted, m.clone()),
            };
            if let Err(RunFailure::Failed(m) | RunFailure::Aborted(m)) = &result {
                tracing::warn!(job, run = run_id, reason = %m, "run did not apply");
            }
            if let Err(e) = db
                .finish_job_run(run_id, outcome, Some(&detail), Utc::now())
                .await
            {
                tracing::error!(job, run = run_id, error = %e, "run end not recorded");
            }
        });
        let run_id = id.await.map_err(|_| {
            ServiceError::Internal(anyhow::anyhow!("the run's task ended before it started"))
        })??;
        Ok((run_id, handle))
    }

    /// The scheduled job named `name`.
    pub fn job(&self, name: &str) -> ServiceResult<&JobSpec> {
        self.jobs
            .iter()
            .find(|j| j.name == name)
            .ok_or_else(|| ServiceError::NotFound(format!("no job `{name}`")))
    }

    /// Starts every scheduled job's scheduler and every per-replica service.
    pub fn spawn_background(self: &Arc<Self>) -> Background {
        let mut tasks: Vec<JoinHandle<()>> = self
            .jobs
            .iter()
            .cloned()
            .map(|spec| tokio::spawn(schedule(self.clone(), spec)))
            .collect();
        for spec in self.replica_services.iter().cloned() {
            let ready = self.readiness.register(&spec);
            let services = self.clone();
            let stop = self.shutdown.child_token();
            tasks.push(tokio::spawn(async move {
                if let Err(e) = (spec.run)(services, ready.clone(), stop).await {
                    tracing::error!(service = spec.name, "{e:#}");
                    ready.set(false, Some(format!("stopped: {e}")));
                }
            }));
        }
        Background { tasks }
    }
}

/// Runs `spec` at start and then every interval on the replica holding its lease (taken for
/// twice the interval and renewed each round, so a dead holder's turn passes on), until the
/// server stops.
async fn schedule(services: Arc<Services>, spec: JobSpec) {
    let holder = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let hold = chrono::Duration::from_std(spec.interval * 2).unwrap_or(chrono::Duration::hours(2));
    let stop = services.shutdown.clone();
    loop {
        let now = Utc::now();
        match services
            .db
            .try_acquire_lease(&spec.name, &holder, now, now + hold)
            .await
        {
            Ok(true) => {
                let run = spec.run.clone();
                let svc = services.clone();
                match services
                    .start_run(&spec.name, None, move |ctx| run(svc, ctx))
                    .await
                {
                    Ok((_, handle)) => {
                        let _ = handle.await;
                    }
                    Err(e) => tracing::warn!(job = spec.name, error = %e, "cannot start the run"),
                }
            }
            Ok(false) => tracing::debug!(job = spec.name, "another replica holds the lease"),
            Err(e) => tracing::warn!(job = spec.name, error = %e, "cannot take the lease"),
        }
        tokio::select! {
            () = tokio::time::sleep(spec.interval) => {}
            () = stop.cancelled() => break,
        }
    }
    let _ = services.db.release_lease(&spec.name, &holder).await;
}
