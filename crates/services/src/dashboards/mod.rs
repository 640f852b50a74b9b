//! Dashboards: the Grafana dashboards a person viewed through Trellis and those of what their
//! teams own (`grafana/dashboard-selector` or `grafana/tag` on the owned entities, searched in
//! Grafana by tag), and a dashboard's charts drawn from Prometheus ([`charts`]).
//!
//! Which dashboards anyone may open is what Trellis's Grafana token can read: give it a
//! Viewer-role service account. Views are recorded per person, from the identity only.

mod charts;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use trellis_dashboards::selector::{Selector, SELECTOR, TAG};
use trellis_integrations::grafana::{is_uid, Dashboard, GrafanaApi, GrafanaClient};
use trellis_integrations::prometheus::{PrometheusApi, PrometheusClient};
use trellis_integrations::{Integrations, SwrCache, Upstream, UpstreamError, UpstreamOptions};
use trellis_shared::catalog::query::Condition;
use trellis_shared::views::dashboards::{DashboardRef, MyDashboards, OwnedDashboard};
use trellis_shared::views::home::{Widget, WidgetProblem};

use crate::{Config, Identity, ServiceError, ServiceResult, Services};

pub use charts::{Range, CHART_WIDTH};

/// Most tags searched in Grafana for one person (their owned entities' selectors).
pub const MAX_TAGS: usize = 20;

/// Most owned dashboards listed.
pub const MAX_OWNED: usize = 30;

/// Most recently viewed dashboards listed.
pub const RECENT: i64 = 8;

/// Owned entities (refs) with their selector, or why it cannot be used.
type OwnedSelectors = Vec<(String, Result<Selector, String>)>;

/// One replica's Grafana and Prometheus clients and their caches.
pub(crate) struct State {
    grafana: Option<Arc<dyn GrafanaApi>>,
    prometheus: Option<Arc<dyn PrometheusApi>>,
    scrape: u64,
    tagged: SwrCache<Vec<DashboardRef>>,
    selectors: moka::future::Cache<String, Arc<OwnedSelectors>>,
    models: moka::future::Cache<String, Option<Arc<Dashboard>>>,
    ranges: charts::Ranges,
}

impl State {
    /// The clients `config` configures (`grafana.*`, `prometheus.*`).
    pub(crate) fn new(config: &Config, integrations: &Integrations) -> anyhow::Result<Self> {
        let upstream = |name, max_body| {
            let options = UpstreamOptions {
                timeout: Duration::from_secs(10),
                max_body,
                ..UpstreamOptions::default()
            };
            Upstream::new(name, options, integrations.metrics()).map(Arc::new)
        };
        let grafana = match config.grafana.enabled() {
            true => Some(Arc::new(GrafanaClient::new(
                &config.grafana,
                upstream("Grafana", 4 << 20)?,
            )) as Arc<dyn GrafanaApi>),
            false => None,
        };
        let prometheus = match config.prometheus.enabled() {
            true => Some(Arc::new(PrometheusClient::new(
                &config.prometheus,
                upstream("Prometheus", 4 << 20)?,
            )) as Arc<dyn PrometheusApi>),
            false => None,
        };
        Ok(Self {
            grafana,
            prometheus,
            scrape: config.prometheus.scrape_interval(),
            tagged: SwrCache::new("Grafana", integrations.policy(), integrations.metrics()),
            selectors: minute(),
            models: minute(),
            ranges: charts::ranges(),
        })
    }

    /// The upstreams, for `/metrics`.
    pub(crate) fn upstreams(&self) -> Vec<&Upstream> {
        let g = self.grafana.as_deref().map(|g| g.upstream());
        let p = self.prometheus.as_deref().map(|p| p.upstream());
        g.into_iter().chain(p).collect()
    }
}

/// A cache whose entries live a minute.
fn minute<V: Clone + Send + Sync + 'static>() -> moka::future::Cache<String, V> {
    moka::future::Cache::builder()
        .max_capacity(10_000)
        .time_to_live(Duration::from_secs(60))
        .build()
}

/// A checked dashboard uid, or the error naming it.
pub fn uid(uid: &str) -> ServiceResult<&str> {
    if is_uid(uid) {
        Ok(uid)
    } else {
        Err(ServiceError::Input(format!(
            "uid: '{}' is not a Grafana dashboard uid (at most 40 letters, digits, '-' and '_')",
            uid.chars()
                .filter(|c| !c.is_control())
                .take(60)
                .collect::<String>()
        )))
    }
}

impl Services {
    /// Whether the dashboards card is on (`grafana.domain` set).
    pub fn dashboards_enabled(&self) -> bool {
        self.dashboards.grafana.is_some()
    }

    /// `me`'s dashboards: viewed recently, and those of what their teams own.
    pub async fn my_dashboards(&self, me: &Identity) -> Widget<MyDashboards> {
        let Some(grafana) = self.dashboards.grafana.clone() else {
            return Widget::failed(
                WidgetProblem::NotConfigured,
                "Grafana is not configured on this portal (grafana.domain)",
            );
        };
        let read = trellis_dashboards::store::recent(&self.db, &me.user_ref, RECENT);
        let recent = match self.viewed_dashboards.get_or_load(&me.user_ref, read).await {
            Ok(r) => (*r).clone(),
            Err(e) => {
                tracing::error!(error = %e, "reading the viewer's dashboard views");
                return Widget::failed(
                    WidgetProblem::Unavailable,
                    "cannot read your recent dashboards",
                );
            }
        };
        let selectors = match self.owned_selectors(me).await {
            Ok(s) => s,
            Err(e) => return Widget::failed(WidgetProblem::Unavailable, e.to_string()),
        };
        let mut problems = Vec::new();
        let mut parsed = Vec::new();
        for (entity, selector) in selectors.iter() {
            match selector {
                Ok(s) => parsed.push((entity.clone(), s.clone())),
                Err(e) => problems.push(format!("{entity}: {e}")),
            }
        }
        let tags: BTreeSet<String> = parsed
            .iter()
            .flat_map(|(_, s)| s.tags().unwrap_or_default())
            .collect();
        if tags.len() > MAX_TAGS {
            problems.push(format!(
                "your teams' entities name {} Grafana tags; the first {MAX_TAGS} are searched",
                tags.len()
            ));
        }
        let tags: Vec<String> = tags.into_iter().take(MAX_TAGS).collect();
        let found = if tags.is_empty() {
            Widget::ok(Vec::new(), 0, false)
        } else {
            let key = tags.join("\u{0}");
            let slowdown = grafana.upstream().limits().slowdown();
            self.dashboards
                .tagged
                .get(&key, slowdown, move || async move {
                    let mut all: BTreeMap<String, DashboardRef> = BTreeMap::new();
                    for tag in tags {
                        for d in grafana.tagged(tag).await? {
                            all.insert(d.uid.clone(), d);
                        }
                    }
                    Ok::<_, UpstreamError>(all.into_values().collect())
                })
                .await
        };
        let owned = found.data.as_ref().map(|all| {
            let mut out: Vec<OwnedDashboard> = all
                .iter()
                .filter_map(|d| {
                    let entities: Vec<String> = parsed
                        .iter()
                        .filter(|(_, s)| s.matches(d))
                        .map(|(e, _)| e.clone())
                        .collect();
                    (!entities.is_empty()).then(|| OwnedDashboard {
                        dashboard: d.clone(),
                        entities,
                    })
                })
                .collect();
            out.sort_by(|a, b| {
                a.dashboard
                    .title
                    .to_lowercase()
                    .cmp(&b.dashboard.title.to_lowercase())
            });
            out.truncate(MAX_OWNED);
            out
        });
        let mine = MyDashboards {
            recent,
            owned: owned.unwrap_or_default(),
            problems,
        };
        Widget {
            data: Some(mine),
            age_secs: found.age_secs,
            stale: found.stale,
            problem: found.problem,
            message: found.message,
        }
    }

    /// The owned entities with a dashboard annotation, each with its parsed selector or why it
    /// cannot be used (remembered per person a minute).
    async fn owned_selectors(&self, me: &Identity) -> ServiceResult<Arc<OwnedSelectors>> {
        let read = async {
            let mut out = BTreeMap::new();
            for annotation in [SELECTOR, TAG] {
                let found = self
                    .entities_where(
                        me,
                        [
                            (
                                "relations.ownedby".to_string(),
                                Condition::AnyOf(me.ownership_refs.clone()),
                            ),
                            (
                                format!("metadata.annotations.{annotation}"),
                                Condition::Exists,
                            ),
                        ],
                    )
                    .await?;
                for e in found {
                    let a = &e.metadata.annotations;
                    let selector = match Selector::from_annotations(
                        a.get(SELECTOR).map(String::as_str),
                        a.get(TAG).map(String::as_str),
                    ) {
                        Some(Ok(s)) if s.tags().is_none() => Err(format!(
                            "{SELECTOR}: every alternative must name a tag (tags @> '...')"
                        )),
                        Some(parsed) => parsed,
                        None => continue,
                    };
                    out.insert(e.entity_ref().to_string(), selector);
                }
            }
            Ok::<_, ServiceError>(Arc::new(out.into_iter().collect()))
        };
        self.dashboards
            .selectors
            .try_get_with(me.user_ref.clone(), read)
            .await
            .map_err(|e| {
                ServiceError::Unavailable(format!("cannot read your teams' entities: {e}"))
            })
    }

    /// Dashboard `uid` from Grafana (remembered a minute), or why not.
    async fn dashboard(&self, uid: &str) -> ServiceResult<Arc<Dashboard>> {
        let grafana = self.dashboards.grafana.clone().ok_or_else(|| {
            ServiceError::Unavailable(
                "Grafana is not configured on this portal (grafana.domain)".into(),
            )
        })?;
        let id = uid.to_string();
        let found = self
            .dashboards
            .models
            .try_get_with(id.clone(), async move {
                grafana.dashboard(id).await.map(|d| d.map(Arc::new))
            })
            .await
            .map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        found.ok_or_else(|| ServiceError::NotFound(format!("Grafana has no dashboard '{uid}'")))
    }

    /// Records that `me` opens dashboard `uid`, and where it is in Grafana.
    pub async fn open_dashboard(&self, me: &Identity, uid: &str) -> ServiceResult<DashboardRef> {
        let d = self.dashboard(self::uid(uid)?).await?;
        trellis_dashboards::store::record(&self.db, &me.user_ref, &d.reference, Utc::now())
            .await
            .map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!("recording a dashboard view: {e}"))
            })?;
        self.viewed_dashboards.forget(&me.user_ref).await;
        self.pages.forget(&me.user_ref).await;
        Ok(d.reference.clone())
    }
}
