//! Short-lived per-person caches of what every page load of a person reads from the database
//! (the personal card's stars, visits, toolkit and layout; their recently viewed dashboards):
//! each replica reads them once per person per [`PER_PERSON_TTL`]. A change a person makes is
//! seen at once on the replica that took it (it drops their entry), within the TTL on the
//! others, as the home layout is ([`crate::personal::layout`]).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a replica reuses what it read for a person.
pub const PER_PERSON_TTL: Duration = Duration::from_secs(5);

/// People kept at most per cache.
const CAPACITY: u64 = 20_000;

/// One kind of per-person data, by the person's user ref (clones share it).
pub(crate) struct PerPerson<T> {
    entries: moka::future::Cache<String, Arc<T>>,
    /// Bumped by every [`PerPerson::forget`]: a read that started before it is not kept (it
    /// may hold what the change replaced).
    generation: Arc<AtomicU64>,
}

impl<T> Clone for PerPerson<T> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            generation: self.generation.clone(),
        }
    }
}

impl<T: Send + Sync + 'static> PerPerson<T> {
    pub(crate) fn new() -> Self {
        Self {
            entries: moka::future::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(PER_PERSON_TTL)
                .build(),
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    /// `person`'s entry, read by `load` when there is none.
    pub(crate) async fn get_or_load<E>(
        &self,
        person: &str,
        load: impl Future<Output = Result<T, E>>,
    ) -> Result<Arc<T>, E> {
        if let Some(found) = self.entries.get(person).await {
            return Ok(found);
        }
        let started = self.generation.load(Ordering::Acquire);
        let value = Arc::new(load.await?);
        if self.generation.load(Ordering::Acquire) == started {
            self.entries.insert(person.to_string(), value.clone()).await;
        }
        Ok(value)
    }

    /// Drops `person`'s entry (they changed it).
    pub(crate) async fn forget(&self, person: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.invalidate(person).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_once_until_forgotten_and_never_keeps_a_read_older_than_a_change() {
        let cache = PerPerson::<u32>::new();
        let ok = |v| async move { Ok::<_, ()>(v) };
        assert_eq!(
            *cache.get_or_load("ann", ok(1)).await.unwrap_or_default(),
            1
        );
        assert_eq!(
            *cache.get_or_load("ann", ok(2)).await.unwrap_or_default(),
            1
        );
        assert_eq!(
            *cache.get_or_load("bob", ok(3)).await.unwrap_or_default(),
            3
        );
        cache.forget("ann").await;
        assert_eq!(
            *cache.get_or_load("ann", ok(4)).await.unwrap_or_default(),
            4
        );
        // A read racing a change: its answer is used once, not kept.
        cache.forget("ann").await;
        let racing = cache.get_or_load("ann", async {
            cache.forget("ann").await;
            Ok::<_, ()>(5)
        });
        assert_eq!(*racing.await.unwrap_or_default(), 5);
        assert_eq!(
            *cache.get_or_load("ann", ok(6)).await.unwrap_or_default(),
            6
        );
        assert!(cache
            .get_or_load("cy", async { Err::<u32, _>("down") })
            .await
            .is_err());
        assert_eq!(
            *cache.get_or_load("cy", ok(7)).await.unwrap_or_default(),
            7,
            "errors are not kept"
        );
    }
}
