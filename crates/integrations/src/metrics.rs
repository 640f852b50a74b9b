//! Metrics every integration gets, in `/metrics`: calls by outcome, their latency, cache
//! lookups by result (hit, stale, miss), each upstream's breaker state and remaining budget.
//! The counters live as long as the replica; each scrape registers them into its registry.

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

fn new_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 12))
}

/// The replica's integration metrics (cheap to clone: the families are shared).
#[derive(Clone)]
pub struct Metrics {
    calls: Family<Labels, Counter>,
    latency: Family<Labels, Histogram, fn() -> Histogram>,
    cache: Family<Labels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            calls: Family::default(),
            latency: Family::new_with_constructor(new_histogram as fn() -> Histogram),
            cache: Family::default(),
        }
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// One call to `integration`'s `operation` ended with `outcome` after `secs`.
    pub fn call(
        &self,
        integration: &'static str,
        operation: &'static str,
        outcome: &str,
        secs: f64,
    ) {
        self.calls
            .get_or_create(&vec![
                ("integration", integration.to_string()),
                ("operation", operation.to_string()),
                ("outcome", outcome.to_string()),
            ])
            .inc();
        self.latency
            .get_or_create(&vec![
                ("integration", integration.to_string()),
                ("operation", operation.to_string()),
            ])
            .observe(secs);
    }

    /// A cache lookup for `integration` was a `hit`, `stale` or `miss`.
    pub fn cache(&self, integration: &'static str, result: &'static str) {
        self.cache
            .get_or_create(&vec![
                ("integration", integration.to_string()),
                ("result", result.to_string()),
            ])
            .inc();
    }

    /// Adds the families, and each upstream's current state, to a scrape's registry.
    pub fn register(&self, registry: &mut Registry, upstreams: &[&crate::Upstream]) {
        registry.register(
            "trellis_integration_requests",
            "Calls to an integration's upstream, by operation and outcome",
            self.calls.clone(),
        );
        registry.register(
            "trellis_integration_request_duration_seconds",
            "How long calls to an integration's upstream took (retries included)",
            self.latency.clone(),
        );
        registry.register(
            "trellis_integration_cache",
            "Widget cache lookups, by result: hit (fresh), stale (served while refreshing), miss",
            self.cache.clone(),
        );
        let state = Family::<Labels, Gauge>::default();
        let remaining = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        for u in upstreams {
            let labels = vec![("integration", u.name().to_string())];
            state
                .get_or_create(&labels)
                .set(u.breaker_state().as_gauge());
            if let Some(r) = u.limits().remaining() {
                remaining.get_or_create(&labels).set(r as f64);
            }
        }
        registry.register(
            "trellis_integration_circuit_state",
            "Each upstream's circuit breaker: 0 closed, 1 half-open, 2 open",
            state,
        );
        registry.register(
            "trellis_integration_rate_limit_remaining",
            "Each upstream's remaining request budget, as it last reported",
            remaining,
        );
    }
}
