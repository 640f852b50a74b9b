//! `/metrics` in the OpenMetrics text format (Prometheus scrapes it): for every scheduled job of
//! the registry, when its last finished run started, how long it took and whether it applied,
//! read from `core.job_runs` so every replica reports the same; then each plugin's own metrics,
//! then this replica's integration calls, cache lookups, breakers and rate-limit budgets.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::error::ServiceResult;
use crate::Services;

/// The content type of [`Services::render_metrics`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

type Labels = Vec<(String, String)>;

impl Services {
    /// Every metric, encoded.
    pub async fn render_metrics(&self) -> ServiceResult<String> {
        let mut runs = Vec::with_capacity(self.jobs.len());
        for job in &self.jobs {
            runs.push((job.clone(), self.db.recent_job_runs(&job.name, 50).await?));
        }
        let mut registry = Registry::default();
        let started = Family::<Labels, Gauge>::default();
        let duration = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        let success = Family::<Labels, Gauge>::default();
        for (job, runs) in &runs {
            let Some(run) = runs.iter().find(|r| r.finished_at.is_some()) else {
                continue;
            };
            let labels = vec![("job".to_string(), job.name.clone())];
            started
                .get_or_create(&labels)
                .set(run.started_at.timestamp());
            if let Some(end) = run.finished_at {
                duration
                    .get_or_create(&labels)
                    .set((end - run.started_at).num_milliseconds() as f64 / 1000.0);
            }
            success
                .get_or_create(&labels)
                .set(i64::from(run.outcome.as_deref() == Some("success")));
        }
        registry.register(
            "trellis_job_last_run_timestamp_seconds",
            "When the job's last finished run started",
            started,
        );
        registry.register(
            "trellis_job_last_run_duration_seconds",
            "How long the job's last finished run took",
            duration,
        );
        registry.register(
            "trellis_job_last_run_success",
            "1 if the job's last finished run applied, 0 if it failed or was aborted",
            success,
        );
        for plugin in &self.plugins {
            (plugin.metrics)(&mut registry, &runs);
        }
        let widget_upstreams: Vec<&trellis_integrations::Upstream> = self
            .widgets
            .iter()
            .flat_map(|w| w.upstreams())
            .chain(self.dashboards.upstreams())
            .collect();
        self.integrations
            .register_metrics(&mut registry, &widget_upstreams);
        let pages = Family::<Labels, prometheus_client::metrics::counter::Counter>::default();
        let (hit, miss, kept) = self.pages.counts();
        for (outcome, n) in [("hit", hit), ("miss", miss), ("kept", kept)] {
            pages
                .get_or_create(&vec![("outcome".to_string(), outcome.to_string())])
                .inc_by(n);
        }
        registry.register(
            "trellis_page_cache",
            "Home page loads served from this replica's kept pages (hit) or rendered (miss), and pages kept",
            pages,
        );
        let mut out = String::new();
        encode(&mut out, &registry).map_err(|e| anyhow::anyhow!("encoding metrics: {e}"))?;
        Ok(out)
    }
}
