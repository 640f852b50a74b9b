//! Trellis' service layer: what the REST API and the pages' server functions both call.
//!
//! One [`Services`] value per replica, behind one `Arc`: the axum handlers reach it through
//! `State`, the Leptos server functions through one `provide_context` of the same `Arc`. It
//! holds the typed config, the database, the policy, identity resolution, the caches, the
//! background runs and the plugin registry's jobs and services. Every catalog read goes
//! through the caller's read scope inside the query ([`catalog::CatalogReader`]); every
//! mutation and admin read through one authorize-and-audit path ([`access`]).
//!
//! - [`config`]: the typed config, loaded and validated once.
//! - [`access`]: [`Actor`], [`Act`], `authorize`, `guarded`, the audit log.
//! - [`catalog`]: the scoped catalog reader, its pages, locations, refreshes.
//! - [`ldap`]: LDAP org syncs and the providers' status.
//! - [`admin`]: the admin page's data (jobs, audit log).
//! - [`guest`]: guest mode's picker.
//! - [`commits`]: find any commit (where a change is live) and the deploy events CI posts.
//! - [`dashboards`]: my Grafana dashboards and a dashboard's charts from Prometheus.
//! - [`home`]: the home page's widget data, per person, through the integrations' caches.
//! - [`personal`]: stars, recent visits, the toolkit and the home layout of each person.
//! - [`palette`]: the command palette's search over pages, entities, tools and dashboards.
//! - [`widget`]: the widget SDK's server half (what a home page widget is, the people cache).
//! - [`jobs`]: background runs, schedules and per-replica services.
//! - [`plugin`]: the plugin descriptors the server assembles everything from.

pub mod access;
pub mod admin;
pub mod catalog;
pub mod commits;
pub mod config;
pub mod dashboards;
mod error;
pub mod guest;
pub mod home;
pub mod jobs;
pub mod ldap;
pub mod metrics;
pub mod page_cache;
pub mod palette;
mod per_person;
pub mod personal;
pub mod plugin;
pub mod widget;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio_util::sync::CancellationToken;
use trellis_auth::{Identities, Policy};
use trellis_catalog::FileRoots;
use trellis_store::{redact_url, Db, DbOptions, Migrations};

pub use access::{Act, Actor};
pub use config::Config;
pub use error::{ServiceError, ServiceResult};
pub use plugin::Plugin;
pub use trellis_auth::{Action, Identity, ResourceType};

/// Everything a replica's handlers and server functions share.
pub struct Services {
    /// The validated config.
    pub config: Config,
    /// The database pool.
    pub db: Db,
    /// The access policy.
    pub policy: Arc<Policy>,
    /// Resolves who is asking (proxy headers or guest pick), with a short-lived cache.
    pub identities: Identities,
    /// Folders file locations may be registered from (`catalog.fileRoots`, resolved).
    pub file_roots: FileRoots,
    /// Cancelled when the server stops: background work and catalog reads end early.
    pub shutdown: CancellationToken,
    /// The registered plugins.
    pub plugins: Vec<Plugin>,
    /// Their scheduled jobs.
    pub jobs: Vec<plugin::JobSpec>,
    /// Their per-replica services.
    pub replica_services: Vec<plugin::ServiceSpec>,
    /// This replica's services' readiness.
    pub readiness: Arc<jobs::Readiness>,
    /// Catalog caches and in-flight work (facets, coalesced refreshes).
    pub(crate) catalog: catalog::State,
    /// The third-party tools' clients and widget caches.
    pub integrations: trellis_integrations::Integrations,
    /// The home page's widgets, from every plugin, in page order.
    pub(crate) widgets: Vec<std::sync::Arc<dyn widget::HomeWidget>>,
    /// Their frames as every page carries them.
    pub(crate) widget_layout: String,
    /// People's User entities, read once for all the cards of a page load.
    pub(crate) people: widget::People,
    /// What people own, by annotation (their teams' PagerDuty services), for a minute.
    pub(crate) owned: home::Owned,
    /// Find any commit's caches (ancestry, deployments, tags, deploy events).
    pub(crate) commits: commits::Caches,
    pub(crate) dashboards: dashboards::State,
    /// People's home layouts, as every page carries them, for a few seconds.
    pub(crate) layouts: personal::layout::Layouts,
    /// What the personal card shows, per person, for a few seconds.
    pub(crate) personal: per_person::PerPerson<trellis_shared::views::personal::Personal>,
    /// The dashboards each person viewed lately, for a few seconds.
    pub(crate) viewed_dashboards:
        per_person::PerPerson<Vec<trellis_shared::views::dashboards::ViewedDashboard>>,
    /// People's rendered home pages, for a few seconds (`home.pageCacheSecs`).
    pub pages: page_cache::Pages,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("db", &self.db.backend())
            .field("plugins", &self.plugins)
            .finish_non_exhaustive()
    }
}

/// Opens the database named in the config.
pub async fn connect_db(config: &Config) -> anyhow::Result<Db> {
    let options = DbOptions {
        max_connections: config.database.max_connections,
        acquire_timeout: Duration::from_secs(config.database.acquire_timeout_secs),
    };
    Db::connect(&config.database.url, &options)
        .await
        .with_context(|| format!("cannot open database {}", redact_url(&config.database.url)))
}

/// Every migration set of `plugins`, in registry order.
pub fn migration_sets(plugins: &[Plugin]) -> Vec<&'static Migrations> {
    plugins
        .iter()
        .flat_map(|p| p.migrations.iter().copied())
        .collect()
}

impl Services {
    /// Connects, applies migrations (when `database.migrate_on_start`), and builds the services
    /// of `plugins` for `config`.
    pub async fn start(config: Config, plugins: Vec<Plugin>) -> anyhow::Result<Arc<Services>> {
        let db = connect_db(&config).await?;
        if config.database.migrate_on_start {
            let status = db
                .migrate(&migration_sets(&plugins))
                .await
                .context("applying database migrations")?;
            tracing::info!(
                applied = status.applied,
                backend = db.backend().as_str(),
                "database ready"
            );
        }
        if config.demo.enabled {
            tracing::warn!(catalog = %config.demo.catalog, "DEMO MODE: the demo catalog is loaded; set demo.enabled=false in production");
        }
        if config.auth.mode == trellis_auth::AuthMode::Guest {
            tracing::warn!(user = %config.auth.guest_user, "GUEST MODE: nobody signs in and every visitor acts as a user of their choice; use auth.mode=proxy in production");
        }
        let identities = Identities::new(db.clone(), &config.auth, &config.permission)
            .map_err(|e| anyhow::anyhow!("auth: {e}"))?;
        let policy = Arc::new(Policy::new(
            config.policy_rules()?,
            config.permission.everyone_reads,
        ));
        let (file_roots, skipped) = config.file_roots()?;
        for reason in skipped {
            tracing::warn!(%reason, "a configured location's folder is not a file root for registrations (catalog.fileRoots)");
        }
        let integrations = trellis_integrations::Integrations::new(
            &config.integrations,
            config.home.cache_policy(),
        )
        .map_err(|e| anyhow::anyhow!("integrations: {e}"))?;
        let widgets = widget::build(&plugins, &config, &integrations)?;
        let commits = commits::Caches::new(
            config.deployments.environments.clone(),
            db.clone(),
            integrations.policy(),
            integrations.metrics(),
        );
        let dashboards = dashboards::State::new(&config, &integrations)?;
        let jobs = plugins.iter().flat_map(|p| (p.jobs)(&config)).collect();
        let replica_services = plugins.iter().flat_map(|p| (p.services)(&config)).collect();
        let pages = page_cache::Pages::new(Duration::from_secs(config.home.page_cache_secs));
        Ok(Arc::new(Services {
            config,
            db,
            policy,
            identities,
            file_roots,
            shutdown: CancellationToken::new(),
            plugins,
            jobs,
            replica_services,
            readiness: Arc::default(),
            catalog: catalog::State::default(),
            integrations,
            widget_layout: widget::layout(&widgets),
            widgets,
            people: widget::people(),
            owned: home::owned(),
            commits,
            dashboards,
            layouts: personal::layout::layouts(),
            personal: per_person::PerPerson::new(),
            viewed_dashboards: per_person::PerPerson::new(),
            pages,
        }))
    }

    /// The migration sets of the registered plugins.
    pub fn migrations(&self) -> Vec<&'static Migrations> {
        migration_sets(&self.plugins)
    }
}
