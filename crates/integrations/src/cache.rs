//! The widget cache every integration gets: per key (an integration's data for one person),
//! fresh data is served as it is; data older than `fresh_for` is served at once, marked stale,
//! while one background refresh replaces it (stale-while-revalidate); a miss waits for the
//! upstream at most `wait_for` and never twice for the same key: concurrent misses share one
//! upstream call (moka's `try_get_with`), which goes on in the background when the page stops
//! waiting, so the next load finds it. A failed refresh keeps the old data and says why.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use trellis_shared::views::home::{Widget, WidgetProblem};

use crate::{Metrics, UpstreamError};

/// How long data stays fresh, is kept, and is waited for.
#[derive(Debug, Clone, Copy)]
pub struct CachePolicy {
    /// Age under which data is served without a refresh.
    pub fresh_for: Duration,
    /// Age after which data is dropped (stale data is served until then).
    pub keep_for: Duration,
    /// How long a miss waits for the upstream before the card says it is slow.
    pub wait_for: Duration,
    /// Most keys kept.
    pub capacity: u64,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self {
            fresh_for: Duration::from_secs(120),
            keep_for: Duration::from_secs(6 * 3600),
            wait_for: Duration::from_millis(2500),
            capacity: 20_000,
        }
    }
}

#[derive(Clone)]
struct Stored<V> {
    value: Arc<V>,
    at: Instant,
}

/// One integration's widget cache.
pub struct SwrCache<V> {
    name: &'static str,
    policy: CachePolicy,
    entries: moka::future::Cache<String, Stored<V>>,
    errors: moka::future::Cache<String, UpstreamError>,
    refreshing: Arc<Mutex<HashSet<String>>>,
    metrics: Metrics,
}

impl<V> std::fmt::Debug for SwrCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SwrCache")
            .field("name", &self.name)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Frees a key's refresh slot however the refresh ends.
struct Refreshing(Arc<Mutex<HashSet<String>>>, String);

impl Drop for Refreshing {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

impl<V: Clone + Send + Sync + 'static> SwrCache<V> {
    /// An empty cache for the integration `name`.
    pub fn new(name: &'static str, policy: CachePolicy, metrics: Metrics) -> Self {
        Self {
            name,
            policy,
            entries: moka::future::Cache::builder()
                .max_capacity(policy.capacity)
                .time_to_live(policy.keep_for)
                .build(),
            errors: moka::future::Cache::builder()
                .max_capacity(policy.capacity)
                .time_to_live(policy.keep_for)
                .build(),
            refreshing: Arc::default(),
            metrics,
        }
    }

    /// The data for `key`, fetched with `fetch` when missing or stale. `slowdown` stretches
    /// freshness (the upstream's budget runs low, see `RateLimits::slowdown`).
    pub async fn get<F, Fut>(&self, key: &str, slowdown: u32, fetch: F) -> Widget<V>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, UpstreamError>> + Send + 'static,
    {
        if let Some(stored) = self.entries.get(key).await {
            let age = stored.at.elapsed();
            if age < self.policy.fresh_for * slowdown.max(1) {
                self.metrics.cache(self.name, "hit");
                return Widget::ok((*stored.value).clone(), age.as_secs(), false);
            }
            self.metrics.cache(self.name, "stale");
            self.refresh(key, fetch);
            let mut widget = Widget::ok((*stored.value).clone(), age.as_secs(), true);
            if let Some(e) = self.errors.get(key).await {
                widget.problem = Some(e.problem());
                widget.message = Some(e.to_string());
            }
            return widget;
        }
        self.metrics.cache(self.name, "miss");
        let entries = self.entries.clone();
        let errors = self.errors.clone();
        let owned = key.to_string();
        let task = tokio::spawn(async move {
            let result = entries
                .try_get_with(owned.clone(), async move {
                    fetch().await.map(|v| Stored {
                        value: Arc::new(v),
                        at: Instant::now(),
                    })
                })
                .await;
            match &result {
                Ok(_) => errors.invalidate(&owned).await,
                Err(e) => errors.insert(owned, (**e).clone()).await,
            }
            result
        });
        match tokio::time::timeout(self.policy.wait_for, task).await {
            Ok(Ok(Ok(stored))) => Widget::ok(
                (*stored.value).clone(),
                stored.at.elapsed().as_secs(),
                false,
            ),
            Ok(Ok(Err(e))) => Widget::failed(e.problem(), e.to_string()),
            Ok(Err(join)) => {
                tracing::error!(integration = self.name, error = %join, "a widget fetch panicked");
                Widget::failed(
                    WidgetProblem::Unavailable,
                    format!("{}: the fetch failed inside Trellis", self.name),
                )
            }
            Err(_) => Widget::failed(
                WidgetProblem::Slow,
                format!(
                    "{} has not answered yet (waited {} ms); this card fills in on the next load",
                    self.name,
                    self.policy.wait_for.as_millis()
                ),
            ),
        }
    }

    /// Starts one background refresh of `key`, unless one is under way.
    fn refresh<F, Fut>(&self, key: &str, fetch: F)
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, UpstreamError>> + Send + 'static,
    {
        let inserted = self
            .refreshing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string());
        if !inserted {
            return;
        }
        let slot = Refreshing(self.refreshing.clone(), key.to_string());
        let entries = self.entries.clone();
        let errors = self.errors.clone();
        tokio::spawn(async move {
            let key = slot.1.clone();
            match fetch().await {
                Ok(v) => {
                    let stored = Stored {
                        value: Arc::new(v),
                        at: Instant::now(),
                    };
                    entries.insert(key.clone(), stored).await;
                    errors.invalidate(&key).await;
                }
                Err(e) => {
                    tracing::warn!(key = %key, error = %e, "a widget refresh failed; the stale data stays");
                    errors.insert(key, e).await;
                }
            }
            drop(slot);
        });
    }
}
