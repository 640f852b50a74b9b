//! The GitHub client through real HTTP against the fake GitHub (`trellis-fakes`): what the card
//! gets from the GraphQL answer, retries of transient failures, the circuit breaker, rate
//! limits (the GraphQL `RATE_LIMITED` error, then no calls until the reset), deadlines, bad
//! credentials, and one person never getting another's pull requests.

use std::sync::Arc;
use std::time::Duration;

use trellis_fakes::github::{FakeGitHub, FakeMerged, FakePr};
use trellis_integrations::breaker::BreakerPolicy;
use trellis_integrations::github::{GitHubApi, GitHubClient, GitHubIntegration};
use trellis_integrations::{
    CachePolicy, Integrations, Metrics, Upstream, UpstreamError, UpstreamOptions,
};
use trellis_shared::views::home::{CheckState, Mergeable, ReviewDecision, WidgetProblem};

fn pr(repo: &str, number: u32, author: &str, requested: &[&str], teams: &[&str]) -> FakePr {
    FakePr {
        repo: repo.into(),
        number,
        title: format!("Change {number}"),
        author: author.into(),
        open: true,
        draft: false,
        created_at: "2026-11-30T10:00:00Z".into(),
        updated_at: format!("2026-12-01T{:02}:00:00Z", number % 24),
        review_decision: Some("CHANGES_REQUESTED"),
        mergeable: "CONFLICTING",
        rollup: Some("FAILURE"),
        check_runs: vec![("SUCCESS", 7), ("FAILURE", 2), ("IN_PROGRESS", 1)],
        requested: requested.iter().map(|s| s.to_string()).collect(),
        requested_teams: teams.iter().map(|s| s.to_string()).collect(),
    }
}

struct Setup {
    fake: Arc<FakeGitHub>,
    client: GitHubClient,
    _server: tokio::task::JoinHandle<()>,
}

async fn setup(token: &str, options: UpstreamOptions) -> Setup {
    setup_with(token, options, Metrics::default()).await
}

async fn setup_with(token: &str, options: UpstreamOptions, metrics: Metrics) -> Setup {
    let fake = FakeGitHub::new("good-token");
    fake.add_prs([
        pr("acme/web", 1, "ann", &["bob"], &[]),
        pr("acme/api", 2, "bob", &[], &["acme/platform"]),
        pr("acme/api", 3, "bob", &["carol"], &[]),
        FakePr {
            open: false,
            ..pr("acme/web", 4, "ann", &["bob"], &[])
        },
    ]);
    fake.set_team("acme/platform", vec!["ann".into(), "dave".into()]);
    let (addr, server) = trellis_fakes::serve(fake.router()).await.expect("fake");
    let config = GitHubIntegration {
        host: "github.example".into(),
        token: Some(token.into()),
        api_base_url: Some(format!("http://{addr}/api/v3")),
        apps: Vec::new(),
    };
    let upstream = Arc::new(Upstream::new("GitHub", options, metrics).expect("upstream"));
    Setup {
        client: GitHubClient::new(&config, upstream).expect("client"),
        fake,
        _server: server,
    }
}

fn quick() -> UpstreamOptions {
    UpstreamOptions {
        timeout: Duration::from_millis(500),
        retries: 2,
        max_body: 1 << 20,
        breaker: BreakerPolicy {
            failures: 3,
            cool_down: Duration::from_secs(30),
            max_cool_down: Duration::from_secs(60),
        },
    }
}

#[tokio::test]
async fn maps_searches_checks_reviews_and_team_requests() {
    let s = setup("good-token", quick()).await;
    let ann = s
        .client
        .pull_requests("ann".into(), 20)
        .await
        .expect("ann's pull requests");
    assert_eq!(ann.mine_total, 1, "closed ones are not listed: {ann:?}");
    let mine = &ann.mine[0];
    assert_eq!((mine.repository.as_str(), mine.number), ("acme/web", 1));
    assert_eq!(mine.url, "https://github.com/acme/web/pull/1");
    assert_eq!(mine.review_decision, Some(ReviewDecision::ChangesRequested));
    assert_eq!(mine.mergeable, Mergeable::Conflicting);
    assert_eq!(mine.checks.state, Some(CheckState::Failure));
    assert_eq!(
        (
            mine.checks.total,
            mine.checks.passed,
            mine.checks.failed,
            mine.checks.pending
        ),
        (10, 7, 2, 1)
    );
    let reviews: Vec<u32> = ann.review.iter().map(|p| p.number).collect();
    assert_eq!(reviews, vec![2], "asked through the platform team");
    let bob = s.client.pull_requests("bob".into(), 20).await.expect("bob");
    assert_eq!(
        bob.mine.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![3, 2],
        "newest update first"
    );
    assert_eq!(
        bob.review.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![1]
    );
    assert!(bob.mine.iter().chain(&bob.review).all(|p| p.number != 4));
    assert_eq!(s.fake.calls(), 2, "one GraphQL request per person");
}

#[tokio::test]
async fn my_merged_pull_requests_come_in_the_same_request() {
    let s = setup("good-token", quick()).await;
    let merged = |n: u32, author: &str, at: &str| FakeMerged {
        repo: "acme/web".into(),
        number: n,
        title: format!("Merged {n}"),
        author: author.into(),
        merged_at: at.into(),
        merge_commit: format!("{n:040x}"),
    };
    s.fake
        .add_merged((1..=7).map(|n| merged(n, "ann", &format!("2026-11-{:02}T10:00:00Z", n + 10))));
    s.fake
        .add_merged([merged(99, "bob", "2026-11-30T10:00:00Z")]);
    let ann = s.client.pull_requests("ann".into(), 20).await.expect("ann");
    let numbers: Vec<u32> = ann.merged.iter().map(|m| m.number).collect();
    assert_eq!(numbers, vec![7, 6, 5, 4, 3], "the newest five, not bob's");
    assert_eq!(
        ann.merged[0].merge_commit.as_deref(),
        Some(format!("{:040x}", 7).as_str())
    );
    assert_eq!(
        ann.merged[0].merged_at.as_deref(),
        Some("2026-11-17T10:00:00Z")
    );
    assert_eq!(s.fake.calls(), 1, "still one GraphQL request");
}

#[tokio::test]
async fn transient_failures_are_retried_and_repeated_ones_open_the_breaker() {
    let s = setup("good-token", quick()).await;
    s.fake.faults.fail_next(2);
    s.client
        .pull_requests("ann".into(), 20)
        .await
        .expect("two 502s, then the retry succeeds");
    assert_eq!(s.fake.calls(), 3);
    s.fake.faults.set_error_rate(1.0);
    for _ in 0..3 {
        let e = s
            .client
            .pull_requests("ann".into(), 20)
            .await
            .expect_err("GitHub is down");
        assert!(
            matches!(
                e,
                UpstreamError::Status { status: 502, .. } | UpstreamError::CircuitOpen { .. }
            ),
            "{e}"
        );
    }
    let before = s.fake.calls();
    let e = s
        .client
        .pull_requests("ann".into(), 20)
        .await
        .expect_err("open");
    assert!(matches!(e, UpstreamError::CircuitOpen { .. }), "{e}");
    assert_eq!(
        s.fake.calls(),
        before,
        "an open breaker does not call GitHub"
    );
}

#[tokio::test]
async fn a_spent_budget_stops_calls_until_the_reset() {
    let s = setup("good-token", quick()).await;
    s.fake.faults.set_rate_limited(true);
    let e = s
        .client
        .pull_requests("ann".into(), 20)
        .await
        .expect_err("limited");
    let UpstreamError::RateLimited { retry_after, .. } = e else {
        panic!("{e}")
    };
    assert!(
        retry_after > Duration::from_secs(60),
        "waits for x-ratelimit-reset: {retry_after:?}"
    );
    s.fake.faults.set_rate_limited(false);
    let before = s.fake.calls();
    let e = s
        .client
        .pull_requests("bob".into(), 20)
        .await
        .expect_err("still waiting");
    assert!(matches!(e, UpstreamError::RateLimited { .. }), "{e}");
    assert_eq!(s.fake.calls(), before, "no call before the reset");
}

#[tokio::test]
async fn slow_answers_time_out_and_bad_tokens_are_named() {
    let s = setup(
        "good-token",
        UpstreamOptions {
            retries: 0,
            ..quick()
        },
    )
    .await;
    s.fake.faults.set_latency(Duration::from_millis(800));
    let e = s
        .client
        .pull_requests("ann".into(), 20)
        .await
        .expect_err("slow");
    assert!(matches!(e, UpstreamError::Timeout { .. }), "{e}");
    let s = setup("wrong-token", quick()).await;
    let e = s
        .client
        .pull_requests("ann".into(), 20)
        .await
        .expect_err("refused");
    assert_eq!(e.to_string(), "GitHub answered 401: Bad credentials");
    assert_eq!(s.fake.calls(), 1, "a 401 is not retried");
}

#[tokio::test]
async fn the_widget_is_per_person_and_never_an_error() {
    let metrics = Metrics::default();
    let s = setup_with("good-token", quick(), metrics.clone()).await;
    let api: Arc<dyn GitHubApi> = Arc::new(s.client);
    let integrations = Integrations::with_clients(Some(api), CachePolicy::default(), metrics);
    let ann = integrations.pull_requests(Some("ann".into())).await;
    let bob = integrations.pull_requests(Some("bob".into())).await;
    assert_eq!(ann.data.as_ref().map(|d| d.login.as_str()), Some("ann"));
    assert_eq!(bob.data.as_ref().map(|d| d.login.as_str()), Some("bob"));
    assert!(ann
        .data
        .iter()
        .flat_map(|d| &d.mine)
        .all(|p| p.author.as_deref() == Some("ann")));
    let bad = integrations
        .pull_requests(Some("bob review-requested:ann".into()))
        .await;
    assert_eq!(
        bad.problem,
        Some(WidgetProblem::UnknownPerson),
        "no qualifiers through the login"
    );
    let nobody = integrations.pull_requests(None).await;
    assert_eq!(nobody.problem, Some(WidgetProblem::UnknownPerson));
    let off = Integrations::with_clients(None, CachePolicy::default(), Metrics::default());
    assert_eq!(
        off.pull_requests(Some("ann".into())).await.problem,
        Some(WidgetProblem::NotConfigured)
    );
    s.fake.faults.set_error_rate(1.0);
    let down = integrations.pull_requests(Some("carol".into())).await;
    assert_eq!(down.problem, Some(WidgetProblem::Unavailable), "{down:?}");
    let mut text = String::new();
    let mut registry = prometheus_client::registry::Registry::default();
    integrations.register_metrics(&mut registry, &[]);
    prometheus_client::encoding::text::encode(&mut text, &registry).expect("encode");
    assert!(text.contains("trellis_integration_requests_total{integration=\"GitHub\",operation=\"pull_requests\",outcome=\"success\"} 2"), "{text}");
    assert!(
        text.contains("trellis_integration_cache_total{integration=\"GitHub\",result=\"miss\"} 3"),
        "{text}"
    );
    assert!(
        text.contains("trellis_integration_rate_limit_remaining{integration=\"GitHub\"}"),
        "{text}"
    );
}
