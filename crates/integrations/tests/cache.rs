//! The widget cache: one upstream call per key however many requests want it, stale data served
//! at once while one refresh runs, a bounded wait on a miss whose call still lands, and a
//! failed refresh keeping the old data and saying why.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use trellis_integrations::{CachePolicy, Metrics, SwrCache, UpstreamError};
use trellis_shared::views::home::WidgetProblem;

fn cache(fresh_ms: u64, wait_ms: u64) -> Arc<SwrCache<u32>> {
    Arc::new(SwrCache::new(
        "Test",
        CachePolicy {
            fresh_for: Duration::from_millis(fresh_ms),
            keep_for: Duration::from_secs(60),
            wait_for: Duration::from_millis(wait_ms),
            capacity: 100,
        },
        Metrics::default(),
    ))
}

/// A fetch that counts its calls, takes `ms`, and answers the call number (or fails).
fn counted(
    calls: &Arc<AtomicU32>,
    ms: u64,
    fail: bool,
) -> impl FnOnce() -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<u32, UpstreamError>> + Send>,
> + Send
       + 'static {
    let calls = calls.clone();
    move || {
        Box::pin(async move {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(ms)).await;
            if fail {
                Err(UpstreamError::Status {
                    upstream: "Test",
                    status: 502,
                    detail: "down".into(),
                })
            } else {
                Ok(n)
            }
        })
    }
}

#[tokio::test]
async fn concurrent_misses_share_one_upstream_call() {
    let c = cache(10_000, 2_000);
    let calls = Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (c, calls) = (c.clone(), calls.clone());
        tasks.push(tokio::spawn(async move {
            c.get("ann", 1, counted(&calls, 100, false)).await
        }));
    }
    for t in tasks {
        let w = t.await.expect("task");
        assert_eq!(w.data, Some(1), "{w:?}");
        assert!(!w.stale);
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one upstream call for 50 requests"
    );
    let again = c.get("ann", 1, counted(&calls, 0, false)).await;
    assert_eq!(again.data, Some(1));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "a fresh hit calls nobody");
    let other = c.get("bob", 1, counted(&calls, 0, false)).await;
    assert_eq!(other.data, Some(2), "another key is another call");
}

#[tokio::test]
async fn stale_data_is_served_at_once_while_one_refresh_replaces_it() {
    let c = cache(300, 2_000);
    let calls = Arc::new(AtomicU32::new(0));
    assert_eq!(
        c.get("ann", 1, counted(&calls, 0, false)).await.data,
        Some(1)
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    let started = std::time::Instant::now();
    let mut seen = Vec::new();
    for _ in 0..20 {
        seen.push(c.get("ann", 1, counted(&calls, 100, false)).await);
    }
    assert!(
        started.elapsed() < Duration::from_millis(90),
        "stale answers do not wait for the refresh"
    );
    assert!(
        seen.iter().all(|w| w.stale && w.data == Some(1)),
        "{seen:?}"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one refresh for 20 stale reads"
    );
    let w = c.get("ann", 1, counted(&calls, 0, false)).await;
    assert_eq!(
        (w.data, w.stale),
        (Some(2), false),
        "the refresh replaced it"
    );
    // A slowdown (the upstream's budget running low) keeps data fresh for longer.
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(!c.get("ann", 4, counted(&calls, 0, false)).await.stale);
    assert!(c.get("ann", 1, counted(&calls, 0, false)).await.stale);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_old_data_and_says_why() {
    let c = cache(30, 2_000);
    let calls = Arc::new(AtomicU32::new(0));
    c.get("ann", 1, counted(&calls, 0, false)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    c.get("ann", 1, counted(&calls, 0, true)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let w = c.get("ann", 1, counted(&calls, 0, true)).await;
    assert_eq!(w.data, Some(1), "the last good data stays");
    assert!(w.stale);
    assert_eq!(w.problem, Some(WidgetProblem::Unavailable));
    assert!(
        w.message
            .as_deref()
            .is_some_and(|m| m.contains("Test answered 502")),
        "{w:?}"
    );
}

#[tokio::test]
async fn a_slow_miss_stops_waiting_but_its_answer_lands_for_the_next_load() {
    let c = cache(10_000, 50);
    let calls = Arc::new(AtomicU32::new(0));
    let w = c.get("ann", 1, counted(&calls, 300, false)).await;
    assert_eq!(w.data, None);
    assert_eq!(w.problem, Some(WidgetProblem::Slow), "{w:?}");
    // A second load while the call is under way joins it instead of calling again.
    let w = c.get("ann", 1, counted(&calls, 300, false)).await;
    assert_eq!(w.problem, Some(WidgetProblem::Slow));
    tokio::time::sleep(Duration::from_millis(350)).await;
    let w = c.get("ann", 1, counted(&calls, 0, false)).await;
    assert_eq!(w.data, Some(1), "{w:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_miss_is_a_problem_not_cached_data() {
    let c = cache(10_000, 1_000);
    let calls = Arc::new(AtomicU32::new(0));
    let w = c.get("ann", 1, counted(&calls, 0, true)).await;
    assert_eq!(
        (w.data, w.problem),
        (None, Some(WidgetProblem::Unavailable))
    );
    let w = c.get("ann", 1, counted(&calls, 0, false)).await;
    assert_eq!(
        w.data,
        Some(2),
        "errors are not cached as data: the next load asks again"
    );
}
