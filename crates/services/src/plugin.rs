//! The plugin registry's server half. Each plugin (catalog, LDAP org provider, auth and audit;
//! next: integrations, compute) is declared once, as a [`Plugin`]: its name and config section,
//! the migration sets its crate owns, its scheduled jobs, its per-replica services and its pages.
//! The server binary pairs each with its API routes (`backend/src/plugins.rs`) and assembles
//! the migrations, the scheduler, `/readyz`, `/metrics` and the admin page's job list from that
//! one list.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;
use trellis_store::Migrations;

use crate::config::Config;
use crate::jobs::{Ready, RunCtx, RunResult};
use crate::Services;

/// What a job's run does (given the services and its run context).
pub type JobFn = Arc<dyn Fn(Arc<Services>, RunCtx) -> BoxFuture<'static, RunResult> + Send + Sync>;

/// What a per-replica service does: runs until `stop`, marking itself ready when it is.
pub type ServiceFn = Arc<
    dyn Fn(Arc<Services>, Ready, CancellationToken) -> BoxFuture<'static, anyhow::Result<()>>
        + Send
        + Sync,
>;

/// A scheduled job: one replica runs it at a time (the one holding its lease in
/// `core.leases`), at start and then every `interval`; each run is recorded in `core.job_runs`.
#[derive(Clone)]
pub struct JobSpec {
    /// Name in runs, leases and metrics (`catalog-refresh`, `ldap-org:<id>`).
    pub name: String,
    /// What it does, for the admin page.
    pub label: String,
    /// What it reads, for the admin page.
    pub target: String,
    /// Time between runs.
    pub interval: Duration,
    /// The work of one run.
    pub run: JobFn,
}

impl std::fmt::Debug for JobSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobSpec")
            .field("name", &self.name)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// Work every replica runs for itself (caches kept warm, watches): started with the server,
/// cancelled at shutdown; `/readyz` reports its readiness, and waits for it when `required`.
#[derive(Clone)]
pub struct ServiceSpec {
    /// Name in `/readyz`.
    pub name: String,
    /// Whether the replica is not ready to serve until this service is.
    pub required: bool,
    /// The service.
    pub run: ServiceFn,
}

impl std::fmt::Debug for ServiceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceSpec")
            .field("name", &self.name)
            .field("required", &self.required)
            .finish_non_exhaustive()
    }
}

/// One plugin, declared once.
#[derive(Clone)]
pub struct Plugin {
    /// Its name (also its logical schema, when it has tables).
    pub name: &'static str,
    /// The config section it reads (`catalog`, `catalog.providers.ldapOrg`, `auth`).
    pub config_key: &'static str,
    /// The migration sets its crate owns, applied in order.
    pub migrations: &'static [&'static Migrations],
    /// Its scheduled jobs for a config.
    pub jobs: fn(&Config) -> Vec<JobSpec>,
    /// Its per-replica services for a config.
    pub services: fn(&Config) -> Vec<ServiceSpec>,
    /// The page paths it serves.
    pub pages: &'static [&'static str],
    /// Metrics of its own, from its jobs' recent runs (newest first), added to `/metrics`.
    pub metrics: MetricsFn,
    /// Its home page widgets for a config (cards, data endpoints, upstream metrics).
    pub widgets: crate::widget::WidgetsFn,
}

/// Adds a plugin's metric families to the registry, from its jobs' recent runs.
pub type MetricsFn =
    fn(&mut prometheus_client::registry::Registry, &[(JobSpec, Vec<trellis_store::jobs::JobRun>)]);

/// No metrics beyond the generic job metrics.
pub fn no_metrics(
    _: &mut prometheus_client::registry::Registry,
    _: &[(JobSpec, Vec<trellis_store::jobs::JobRun>)],
) {
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Plugin {
    /// A plugin named `name` reading `config_key`, with nothing else yet (set what it has:
    /// `Plugin { widgets, ..Plugin::named(..) }`).
    pub fn named(name: &'static str, config_key: &'static str) -> Self {
        Plugin {
            name,
            config_key,
            migrations: &[],
            jobs: no_jobs,
            services: no_services,
            pages: &[],
            metrics: no_metrics,
            widgets: crate::widget::no_widgets,
        }
    }
}

/// No jobs (for plugins without scheduled work).
pub fn no_jobs(_: &Config) -> Vec<JobSpec> {
    Vec::new()
}

/// No per-replica services.
pub fn no_services(_: &Config) -> Vec<ServiceSpec> {
    Vec::new()
}

static CORE_SETS: [&Migrations; 1] = [&trellis_store::CORE];
static AUTH_SETS: [&Migrations; 1] = [&trellis_auth::MIGRATIONS];

/// The platform's own part: job runs and leases (`core`), and the run status endpoint.
pub fn core() -> Plugin {
    Plugin {
        name: "core",
        config_key: "server",
        migrations: &CORE_SETS,
        jobs: no_jobs,
        services: no_services,
        pages: &["/"],
        metrics: no_metrics,
        widgets: crate::widget::no_widgets,
    }
}

/// Identity, access control and the audit log (`audit` tables; the admin page).
pub fn auth() -> Plugin {
    Plugin {
        name: "auth",
        config_key: "auth",
        migrations: &AUTH_SETS,
        jobs: no_jobs,
        services: no_services,
        pages: &["/admin"],
        metrics: no_metrics,
        widgets: crate::widget::no_widgets,
    }
}
