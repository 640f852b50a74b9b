//! Fakes of the third-party APIs Trellis integrates with, where no real server can run offline.
//! Each follows its public API's documented contract (cited in its module) for the requests
//! Trellis sends, and can be made slow, failing or rate limited ([`Faults`]). The tests drive
//! Trellis' real HTTP clients against them; demo mode ([`demo`]) serves them with data for the
//! demo org.
//!
//! - [`github`]: GitHub's GraphQL API (the home page's pull request search).
//! - [`github_app`]: GitHub App authentication (the app's JWT, installation tokens).
//! - [`github_rest`]: GitHub's REST API for "find any commit" (commits, pull requests, compare,
//!   deployments, tags), answering from real local git repositories ([`git`]).
//! - [`grafana`]: Grafana's HTTP API (dashboard search, dashboards by uid).
//! - [`jira`]: Jira Cloud's REST API v3 (user search, enhanced JQL search).
//! - [`pagerduty`]: PagerDuty's REST API v2 (users, on-calls, incidents).
//! - [`statuspage`]: Atlassian Statuspage's public Status API (vendor status pages).

pub mod demo;
pub mod git;
pub mod github;
pub mod github_app;
pub mod github_rest;
pub mod grafana;
pub mod jira;
pub mod pagerduty;
pub mod pagerduty_oauth;
pub mod statuspage;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Injected misbehaviour, changeable while the fake runs.
#[derive(Debug, Default)]
pub struct Faults {
    latency_ms: AtomicU64,
    /// Per mille of requests answered with a 502.
    error_per_mille: AtomicU32,
    fail_next: AtomicU32,
    rate_limited: AtomicBool,
}

impl Faults {
    /// Every answer waits this long.
    pub fn set_latency(&self, d: Duration) {
        self.latency_ms.store(
            u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// This share (0 to 1) of requests fails with 502.
    pub fn set_error_rate(&self, rate: f64) {
        let pm = (rate.clamp(0.0, 1.0) * 1000.0).round() as u32;
        self.error_per_mille.store(pm, Ordering::Relaxed);
    }

    /// The next `n` requests fail with 502.
    pub fn fail_next(&self, n: u32) {
        self.fail_next.store(n, Ordering::Relaxed);
    }

    /// Whether the budget is spent (each fake answers as its API does then).
    pub fn set_rate_limited(&self, on: bool) {
        self.rate_limited.store(on, Ordering::Relaxed);
    }

    /// Whether the budget is spent.
    pub fn rate_limited(&self) -> bool {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// Waits the latency, then says whether this request fails.
    pub async fn apply(&self) -> bool {
        let ms = self.latency_ms.load(Ordering::Relaxed);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let forced = self
            .fail_next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok();
        let pm = self.error_per_mille.load(Ordering::Relaxed);
        forced || pm > 0 && fastrand::u32(0..1000) < pm
    }
}

/// Serves `router` on a free loopback port until the returned task is dropped or aborted.
pub async fn serve(
    router: axum::Router,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::warn!(error = %e, "a fake upstream stopped");
        }
    });
    Ok((addr, task))
}
