//! Refreshing and deleting: the `catalog-refresh` job (every registered location, scheduled on
//! one replica and started by hand in the background), an entity's refresh (its own file only,
//! as in Backstage, answered at once, with concurrent refreshes of one file coalesced), and
//! deletes. Also the catalog plugin's declaration and its facet cache warmer.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use trellis_auth::catalog::owners_of;
use trellis_auth::{Action, ResourceType};
use trellis_catalog::store::{
    self, apply_stream, list_locations, stream_locations, ApplySummary, Scope,
};
use trellis_catalog::LocationSpec;
use trellis_shared::catalog::{EntityRef, ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION};

use crate::access::{Act, Actor};
use crate::config::Config;
use crate::error::{ServiceError, ServiceResult};
use crate::jobs::{Ready, RunCtx, RunFailure, RunResult};
use crate::plugin::{JobSpec, Plugin, ServiceSpec};
use crate::Services;

/// The job's name in runs, leases and metrics.
pub const JOB: &str = "catalog-refresh";

/// How often the facet warmer recounts the whole catalog's facets.
const WARM_EVERY: Duration = Duration::from_secs(20);

/// A refresh of one file in flight, shared by everyone asking for it meanwhile.
type Pending = Shared<BoxFuture<'static, Result<ApplySummary, String>>>;

/// Entity refreshes in flight, by file.
#[derive(Default)]
pub(crate) struct InFlight {
    pending: Mutex<HashMap<String, Pending>>,
    /// Serializes whole-catalog refreshes of this replica (scheduled and started by hand).
    pub(crate) all: tokio::sync::Mutex<()>,
}

static SETS: [&trellis_store::Migrations; 1] = [&trellis_catalog::MIGRATIONS];

/// The catalog plugin: its tables, the refresh job, the facet warmer, its pages.
pub fn plugin() -> Plugin {
    Plugin {
        name: "catalog",
        config_key: "catalog",
        migrations: &SETS,
        jobs,
        services,
        pages: &["/catalog", "/catalog/:namespace/:kind/:name"],
        metrics: crate::plugin::no_metrics,
        widgets: crate::widget::no_widgets,
    }
}

fn jobs(config: &Config) -> Vec<JobSpec> {
    let locations: Vec<String> = config
        .catalog_locations()
        .iter()
        .map(LocationSpec::key)
        .collect();
    vec![JobSpec {
        name: JOB.into(),
        label: "Catalog refresh".into(),
        target: if locations.is_empty() {
            "no configured locations".into()
        } else {
            locations.join(", ")
        },
        interval: Duration::from_secs(config.catalog.refresh_interval_secs),
        run: Arc::new(|services, ctx| refresh_all(services, ctx).boxed()),
    }]
}

fn services(_: &Config) -> Vec<ServiceSpec> {
    vec![ServiceSpec {
        name: "catalog-facets".into(),
        required: false,
        run: Arc::new(|services, ready, stop| warm_facets(services, ready, stop).boxed()),
    }]
}

/// Keeps the whole catalog's facet counts (what the catalog page shows every viewer who reads
/// all of it) computed ahead, so that page never waits for them.
async fn warm_facets(
    services: Arc<Services>,
    ready: Ready,
    stop: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    let names: Vec<String> = trellis_shared::views::catalog::FACETS
        .iter()
        .map(|(_, f)| f.to_string())
        .collect();
    loop {
        match store::facets(&services.db, &names, &Default::default()).await {
            Ok(map) => {
                services
                    .catalog
                    .facets
                    .insert(names.clone(), Arc::new(map))
                    .await;
                ready.set(true, None);
            }
            Err(e) => ready.set(false, Some(format!("cannot count facets: {e}"))),
        }
        tokio::select! {
            () = tokio::time::sleep(WARM_EVERY) => {}
            () = stop.cancelled() => return Ok(()),
        }
    }
}

/// One refresh of every registered location (those in the config, kept in step with it
/// first, and those added through the API); the read streams into the apply.
async fn refresh_all(services: Arc<Services>, ctx: RunCtx) -> RunResult {
    ctx.progress("waiting for the refresh in progress on this replica")
        .await;
    let _one_at_a_time = services.catalog.refreshes.all.lock().await;
    ctx.progress("reading the registered locations").await;
    let summary = refresh_all_now(&services, &ctx)
        .await
        .map_err(|e| RunFailure::Failed(format!("{e:#}")))?;
    services.catalog.facets.invalidate_all();
    Ok(serde_json::json!({ "summary": summary }))
}

async fn refresh_all_now(services: &Services, ctx: &RunCtx) -> anyhow::Result<ApplySummary> {
    let db = &services.db;
    store::sync_config_locations(db, &services.config.catalog_locations(), Utc::now()).await?;
    let locations: Vec<LocationSpec> = list_locations(db).await?.iter().map(|l| l.spec()).collect();
    let registered: BTreeSet<String> = locations.iter().map(LocationSpec::key).collect();
    let options = services.config.catalog.read_options(ctx.stop.clone());
    let started = std::time::Instant::now();
    let read = stream_locations(locations, options);
    let summary = apply_stream(db, read, &Scope::Locations(registered), Utc::now()).await?;
    tracing::info!(
        job = JOB,
        ms = started.elapsed().as_millis(),
        "catalog refresh timing"
    );
    Ok(summary)
}

impl Services {
    /// Starts a refresh of every location in the background (an admin function) and answers
    /// the run's id.
    pub async fn refresh_catalog(self: &Arc<Self>, actor: &Actor) -> ServiceResult<i64> {
        let act = Act::unowned(Action::Refresh, ResourceType::Admin, "catalog");
        self.guarded(
            actor,
            act,
            self.start_refresh(Some(&actor.identity.user_ref)),
        )
        .await
    }

    /// Refreshes every location now as a recorded run (not through the policy: for tools and
    /// tests), and answers what it changed.
    pub async fn refresh_and_wait(self: &Arc<Self>) -> ServiceResult<ApplySummary> {
        let services = self.clone();
        let (run_id, handle) = self
            .start_run(JOB, None, move |ctx| refresh_all(services, ctx))
            .await?;
        handle.await.map_err(|e| ServiceError::Internal(e.into()))?;
        let run = self
            .db
            .job_run(run_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no job run {run_id}")))?;
        let detail: serde_json::Value = run
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        match run.outcome.as_deref() {
            Some("success") => serde_json::from_value(detail["summary"].clone())
                .map_err(|e| ServiceError::Internal(e.into())),
            _ => Err(ServiceError::Internal(anyhow::anyhow!(
                "refresh did not apply: {}",
                run.detail.unwrap_or_default()
            ))),
        }
    }

    /// Starts a refresh of every location in the background.
    pub(crate) async fn start_refresh(self: &Arc<Self>, by: Option<&str>) -> ServiceResult<i64> {
        let services = self.clone();
        let (run_id, _) = self
            .start_run(JOB, by, move |ctx| refresh_all(services, ctx))
            .await?;
        Ok(run_id)
    }

    /// Refreshes one entity: re-reads the file it came from (and only that) now. Its owners
    /// may; one the actor may not read is answered like a missing one. Concurrent refreshes
    /// of one file share one read.
    pub async fn refresh_entity(
        &self,
        actor: &Actor,
        entity_ref: &str,
    ) -> ServiceResult<ApplySummary> {
        let parsed = EntityRef::parse(entity_ref, None, None)
            .map_err(|e| ServiceError::Input(format!("entityRef: {}", e.0)))?;
        let Some(entity) = self
            .catalog(&actor.identity)
            .entity(&parsed.canonical())
            .await?
        else {
            return Err(ServiceError::NotFound(format!(
                "Failed to schedule {entity_ref} for refresh"
            )));
        };
        let owners = owners_of(&entity);
        let target = parsed.canonical();
        let act = Act {
            action: Action::Refresh,
            kind: ResourceType::CatalogEntity,
            owners: &owners,
            target: &target,
        };
        let annotations = &entity.metadata.annotations;
        let origin = annotations.get(ANNOTATION_ORIGIN_LOCATION).cloned();
        let file = annotations
            .get(ANNOTATION_LOCATION)
            .and_then(|l| l.strip_prefix("file:"))
            .map(str::to_string);
        self.guarded(actor, act, async move {
            let (Some(origin), Some(file)) = (origin, file) else {
                return Err(ServiceError::Conflict(format!(
                    "{} was not read from a file location; refresh its provider instead",
                    parsed.canonical()
                )));
            };
            self.refresh_file(origin, file).await
        })
        .await
    }

    async fn refresh_file(&self, origin: String, file: String) -> ServiceResult<ApplySummary> {
        let key = format!("{origin}\u{0}{file}");
        let pending = {
            let mut map = self
                .catalog
                .refreshes
                .pending
                .lock()
                .map_err(|_| anyhow::anyhow!("refresh registry poisoned"))?;
            map.entry(key.clone())
                .or_insert_with(|| self.file_refresh(origin, file).boxed().shared())
                .clone()
        };
        let result = pending.await;
        if let Ok(mut map) = self.catalog.refreshes.pending.lock() {
            map.remove(&key);
        }
        result.map_err(|e| ServiceError::Internal(anyhow::anyhow!(e)))
    }

    fn file_refresh(
        &self,
        origin: String,
        file: String,
    ) -> impl std::future::Future<Output = Result<ApplySummary, String>> + Send + 'static {
        let db = self.db.clone();
        let options = self.config.catalog.read_options(self.shutdown.clone());
        async move {
            let Some((location_type, target)) = origin.split_once(':') else {
                return Err(format!("origin `{origin}` is not a location"));
            };
            let spec = LocationSpec {
                location_type: location_type.into(),
                target: target.into(),
            };
            let wanted = file.clone();
            let read = tokio::task::spawn_blocking(move || {
                trellis_catalog::read_file(&spec, &wanted, &options)
            })
            .await
            .map_err(|e| e.to_string())?;
            let scope = Scope::File { origin, file };
            let mut tail = read;
            let entities = std::mem::take(&mut tail.entities);
            let (tx, rx) = tokio::sync::mpsc::channel(1);
            tokio::spawn(async move {
                if tx
                    .send(store::ReadMessage::Entities(entities))
                    .await
                    .is_ok()
                {
                    let _ = tx.send(store::ReadMessage::Done(tail)).await;
                }
            });
            apply_stream(&db, rx, &scope, Utc::now())
                .await
                .map_err(|e| e.to_string())
        }
    }

    /// Removes the entity with `uid` (its owners may). Answers `None` when no readable entity
    /// has it (as Backstage, a delete of nothing succeeds). Its location brings it back on the
    /// next refresh if it still defines it.
    pub async fn delete_entity(&self, actor: &Actor, uid: &str) -> ServiceResult<Option<String>> {
        let Some(entity) = self.catalog(&actor.identity).by_uid(uid).await? else {
            return Ok(None);
        };
        let owners = owners_of(&entity);
        let target = entity.entity_ref().canonical();
        let act = Act {
            action: Action::Delete,
            kind: ResourceType::CatalogEntity,
            owners: &owners,
            target: &target,
        };
        let deleted = self
            .guarded(actor, act, async {
                Ok(store::delete_entity_by_uid(&self.db, uid).await?)
            })
            .await?;
        if let Some(entity_ref) = &deleted {
            tracing::info!(entity_ref, uid, "entity deleted");
        }
        Ok(deleted)
    }
}
