//! `home.*`: the home page's widgets (how long their data stays fresh, how long a page waits
//! for an upstream, how a person's login in each tool is found), and `demo.upstream.*`: how
//! the demo's fake upstreams misbehave.

use serde::{Deserialize, Serialize};

/// `home.*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HomeConfig {
    /// Seconds a widget's data is served without asking the upstream again.
    pub fresh_for_secs: u64,
    /// Seconds stale data is still shown (with its age) while refreshes fail.
    pub keep_for_secs: u64,
    /// Milliseconds a page load waits for an upstream before the card says it is slow (the
    /// call goes on, and the next load finds its answer).
    pub wait_for_ms: u64,
    /// Where a person's GitHub login comes from when their User entity has no
    /// `github.com/user-login` annotation.
    pub github_login: LoginRule,
    /// The toolkit every person's personal card starts with (each person adds their own).
    pub toolkit: Vec<ToolkitLink>,
    /// Seconds a replica serves a person's rendered home page again while nothing it shows
    /// has changed (0: render every load). A person's own change drops it at once.
    pub page_cache_secs: u64,
}

/// `home.toolkit[]`: a link the admins give everyone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolkitLink {
    /// What the link says.
    pub title: String,
    /// Where it goes: an `http`/`https` URL or a path on Trellis.
    pub url: String,
}

impl Default for HomeConfig {
    fn default() -> Self {
        Self {
            fresh_for_secs: 120,
            keep_for_secs: 6 * 3600,
            wait_for_ms: 1000,
            github_login: LoginRule::Name,
            toolkit: Vec::new(),
            page_cache_secs: 5,
        }
    }
}

impl HomeConfig {
    /// The widget caches' policy.
    pub fn cache_policy(&self) -> trellis_integrations::CachePolicy {
        use std::time::Duration;
        trellis_integrations::CachePolicy {
            fresh_for: Duration::from_secs(self.fresh_for_secs),
            keep_for: Duration::from_secs(self.keep_for_secs.max(self.fresh_for_secs)),
            wait_for: Duration::from_millis(self.wait_for_ms),
            ..trellis_integrations::CachePolicy::default()
        }
    }
}

/// How a login in a tool is derived from a User entity without the tool's annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LoginRule {
    /// The entity's name (`metadata.name`).
    Name,
    /// The part of `spec.profile.email` before the `@`.
    EmailLocalPart,
    /// Only the annotation.
    None,
}

/// `demo.upstream.*`: the demo's fake GitHub (and later Jira, PagerDuty, Grafana).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DemoUpstreamConfig {
    /// Milliseconds every fake answer takes.
    pub latency_ms: u64,
    /// Share of fake answers that fail (0 to 1).
    pub error_rate: f64,
}
