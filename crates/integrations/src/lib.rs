//! Trellis' integrations with third-party tools, and the machinery each gets for free.
//!
//! - [`upstream`]: one upstream's call path — deadline per attempt, retries with backoff and
//!   jitter for idempotent calls, a [`breaker`] per upstream, rate-limit awareness
//!   ([`limits`]), answers capped in size, outcome and latency in [`metrics`].
//! - [`cache`]: the widget cache — stale-while-revalidate, one upstream call per key however
//!   many requests want it, a bounded wait so no page waits on an upstream.
//! - [`github`]: GitHub (config in Backstage's `integrations.github` shape, a client trait, the
//!   GraphQL client).
//! - [`jira`]: Jira Cloud (my open issues, REST v3 enhanced search).
//! - [`grafana`]: Grafana (dashboards by tag, a dashboard's panels; HTTP API).
//! - [`prometheus`]: Prometheus (range queries for the dashboard drawer's charts).
//! - [`pagerduty`]: PagerDuty (my on-call shifts, my teams' open incidents; REST v2).
//!
//! [`Integrations`] holds one replica's clients and caches; the service layer asks it for a
//! person's widget data, always as a `Widget` (data, age, stale, problem), never an error.

pub mod breaker;
pub mod cache;
mod error;
pub mod github;
pub mod grafana;
pub mod jira;
pub mod limits;
mod metrics;
pub mod pagerduty;
pub mod prometheus;
pub mod upstream;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use trellis_shared::views::home::{JiraIssues, PullRequests, Widget};

pub use cache::{CachePolicy, SwrCache};
pub use error::UpstreamError;
pub use metrics::Metrics;
pub use upstream::{Answer, Upstream, UpstreamOptions};

use github::{GitHubApi, GitHubClient, GitHubIntegration, GitHubRepos};
use jira::{JiraApi, JiraClient, JiraIntegration};

/// `integrations.*`: how Trellis reaches each tool (Backstage's section and key names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntegrationsConfig {
    /// GitHub hosts; the first one serves the home page.
    pub github: Vec<GitHubIntegration>,
    /// Jira sites; the first one serves the home page.
    pub jira: Vec<JiraIntegration>,
}

impl IntegrationsConfig {
    /// Every problem, named by its key.
    pub fn problems(&self) -> Vec<String> {
        self.github
            .iter()
            .enumerate()
            .flat_map(|(i, g)| g.problems(&format!("integrations.github[{i}]")))
            .chain(
                self.jira
                    .iter()
                    .enumerate()
                    .flat_map(|(i, j)| j.problems(&format!("integrations.jira[{i}]"))),
            )
            .collect()
    }
}

/// How many pull requests of each list the card asks for.
pub const PULL_REQUESTS_PER_LIST: u32 = 20;

/// One replica's integration clients and widget caches.
pub struct Integrations {
    metrics: Metrics,
    github: Option<Arc<dyn GitHubApi>>,
    pulls: SwrCache<PullRequests>,
    jira: Option<Arc<dyn JiraApi>>,
    issues: SwrCache<JiraIssues>,
    repos: Option<Arc<dyn GitHubRepos>>,
    policy: CachePolicy,
}

impl std::fmt::Debug for Integrations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Integrations")
            .field("github", &self.github.is_some())
            .finish_non_exhaustive()
    }
}

impl Integrations {
    /// The clients `config` configures, with caches following `policy`.
    pub fn new(config: &IntegrationsConfig, policy: CachePolicy) -> Result<Self, UpstreamError> {
        let metrics = Metrics::default();
        let client = match config.github.first() {
            Some(g) => {
                let options = UpstreamOptions {
                    timeout: Duration::from_secs(10),
                    ..UpstreamOptions::default()
                };
                let upstream = Arc::new(Upstream::new("GitHub", options, metrics.clone())?);
                Some(Arc::new(GitHubClient::new(g, upstream)?))
            }
            None => None,
        };
        let github = client.clone().map(|c| c as Arc<dyn GitHubApi>);
        let repos = client.map(|c| c as Arc<dyn GitHubRepos>);
        let jira = match config.jira.first() {
            Some(j) => {
                let upstream = Arc::new(Upstream::new(
                    "Jira",
                    UpstreamOptions::default(),
                    metrics.clone(),
                )?);
                Some(Arc::new(JiraClient::new(j, upstream)) as Arc<dyn JiraApi>)
            }
            None => None,
        };
        Ok(Self::with_clients(github, policy, metrics)
            .with_jira(jira)
            .with_repos(repos))
    }

    /// With this GitHub REST client (tests use this with clients of their own).
    pub fn with_repos(mut self, repos: Option<Arc<dyn GitHubRepos>>) -> Self {
        self.repos = repos;
        self
    }

    /// GitHub's REST API ("find any commit"), when GitHub is configured.
    pub fn github_repos(&self) -> Option<Arc<dyn GitHubRepos>> {
        self.repos.clone()
    }

    /// With this Jira client (tests use this with clients of their own).
    pub fn with_jira(mut self, jira: Option<Arc<dyn JiraApi>>) -> Self {
        self.jira = jira;
        self
    }

    /// Given clients (tests use this with clients of their own).
    pub fn with_clients(
        github: Option<Arc<dyn GitHubApi>>,
        policy: CachePolicy,
        metrics: Metrics,
    ) -> Self {
        Self {
            pulls: SwrCache::new("GitHub", policy, metrics.clone()),
            github,
            issues: SwrCache::new("Jira", policy, metrics.clone()),
            jira: None,
            repos: None,
            metrics,
            policy,
        }
    }

    /// The metric families every integration reports in (a plugin's upstreams and caches
    /// take a clone).
    pub fn metrics(&self) -> Metrics {
        self.metrics.clone()
    }

    /// The widget cache policy (`home.*`), for a plugin's caches.
    pub fn policy(&self) -> CachePolicy {
        self.policy
    }

    /// The pull requests card for the person whose GitHub login is `login`.
    pub async fn pull_requests(&self, login: Option<String>) -> Widget<PullRequests> {
        let Some(github) = self.github.clone() else {
            return failed(UpstreamError::NotConfigured { upstream: "GitHub" });
        };
        let Some(login) = login else {
            return failed(UpstreamError::UnknownPerson(
                "your User entity names no GitHub login (annotation github.com/user-login)".into(),
            ));
        };
        // It goes into a search string: anything but a login's characters could add qualifiers.
        let valid = (1..=64).contains(&login.len())
            && login
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !valid {
            return failed(UpstreamError::UnknownPerson(format!(
                "'{}' is not a GitHub login (letters, digits, '-', '_' and '.', at most 64)",
                login.chars().take(80).collect::<String>()
            )));
        }
        let slowdown = github.upstream().limits().slowdown();
        let key = login.to_ascii_lowercase();
        self.pulls
            .get(&key, slowdown, move || async move {
                github.pull_requests(login, PULL_REQUESTS_PER_LIST).await
            })
            .await
    }

    /// The Jira card for the person whose e-mail is `email`.
    pub async fn jira_issues(&self, email: Option<String>) -> Widget<JiraIssues> {
        let Some(jira) = self.jira.clone() else {
            return failed(UpstreamError::NotConfigured { upstream: "Jira" });
        };
        let Some(email) = email.filter(|e| e.contains('@') && e.len() <= 254) else {
            return failed(UpstreamError::UnknownPerson(
                "your User entity has no e-mail (spec.profile.email) to find you in Jira by".into(),
            ));
        };
        let slowdown = jira.upstream().limits().slowdown();
        let key = email.to_ascii_lowercase();
        self.issues
            .get(&key, slowdown, move || async move {
                jira.my_issues(email).await
            })
            .await
    }

    /// Adds the integration metrics to a scrape's registry, with the state of `others` (the
    /// plugins' widgets' upstreams) beside the built-in ones.
    pub fn register_metrics(
        &self,
        registry: &mut prometheus_client::registry::Registry,
        others: &[&Upstream],
    ) {
        let upstreams: Vec<&Upstream> = self
            .github
            .iter()
            .map(|g| g.upstream())
            .chain(self.jira.iter().map(|j| j.upstream()))
            .chain(others.iter().copied())
            .collect();
        self.metrics.register(registry, &upstreams);
    }
}

fn failed<T>(e: UpstreamError) -> Widget<T> {
    Widget::failed(e.problem(), e.to_string())
}
