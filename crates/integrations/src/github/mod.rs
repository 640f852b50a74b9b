//! GitHub: config in Backstage's `integrations.github` shape, the client trait the services
//! call, and its implementation over GitHub's GraphQL API (one request per person per refresh).
//!
//! API contract: <https://docs.github.com/en/graphql> (endpoint `POST /graphql`, bearer token,
//! `errors[]` on 200, `rateLimit` object), <https://docs.github.com/en/search-github/searching-on-github/searching-issues-and-pull-requests>
//! (the search qualifiers). GitHub Enterprise Server serves GraphQL at `/api/graphql` beside
//! its REST `apiBaseUrl` (`https://HOST/api/v3`). Calls carry a token, or with GitHub App
//! credentials ([`app`]) the token of the installation on the repository's owner (the pull
//! request search runs once per installation and the answers are merged).

mod app;
mod pulls;
pub mod rest;

pub use app::{GitHubAppConfig, MAX_SEARCHED_INSTALLATIONS};

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use trellis_shared::views::home::PullRequests;

use crate::{Upstream, UpstreamError};

/// One entry of `integrations.github` (Backstage's shape: `host`, `token`, `apiBaseUrl`,
/// `apps`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitHubIntegration {
    /// The host people use (`github.com`, `ghe.example.net`).
    pub host: String,
    /// A token Trellis calls GitHub with (`${GITHUB_TOKEN}`); never sent to browsers.
    #[serde(default)]
    pub token: Option<String>,
    /// The REST API's base URL; defaults to `https://api.github.com` for github.com and
    /// `https://HOST/api/v3` otherwise.
    #[serde(default)]
    pub api_base_url: Option<String>,
    /// GitHub App credentials; when given, calls use installation tokens (and `token`, if
    /// also given, only for owners none of the apps is installed on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<GitHubAppConfig>,
}

impl GitHubIntegration {
    /// The REST base URL, without a trailing slash.
    pub fn rest_url(&self) -> String {
        match &self.api_base_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None if self.host == "github.com" => "https://api.github.com".into(),
            None => format!("https://{}/api/v3", self.host),
        }
    }

    /// The GraphQL endpoint: `/graphql` on api.github.com, `/api/graphql` on Enterprise.
    pub fn graphql_url(&self) -> String {
        let rest = self.rest_url();
        match rest.strip_suffix("/api/v3") {
            Some(host) => format!("{host}/api/graphql"),
            None => format!("{rest}/graphql"),
        }
    }

    /// What is wrong with it, if anything (named by its key).
    pub fn problems(&self, at: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.host.trim().is_empty() || self.host.contains('/') {
            out.push(format!(
                "{at}.host: must be a host name like github.com, not '{}'",
                self.host
            ));
        }
        if let Some(u) = &self.api_base_url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                out.push(format!(
                    "{at}.apiBaseUrl: must be an http(s) URL, not '{u}'"
                ));
            }
        }
        let no_token = self.token.as_deref().is_none_or(|t| t.trim().is_empty());
        if no_token && self.apps.is_empty() {
            out.push(format!(
                "{at}.token: is required unless GitHub App credentials are given ({at}.apps)"
            ));
        }
        for (i, a) in self.apps.iter().enumerate() {
            out.extend(a.problems(&format!("{at}.apps[{i}]")));
        }
        out
    }
}

/// What the home page asks GitHub.
pub trait GitHubApi: Send + Sync + 'static {
    /// `login`'s open pull requests and those requesting their review (directly or through a
    /// team), at most `first` of each.
    fn pull_requests(
        &self,
        login: String,
        first: u32,
    ) -> BoxFuture<'_, Result<PullRequests, UpstreamError>>;

    /// The upstream behind it (for metrics and rate-limit awareness).
    fn upstream(&self) -> &Upstream;
}

/// What "find any commit" asks GitHub's REST API (see [`rest`]). `None` and empty lists mean
/// GitHub does not know the repository, commit or pull request.
pub trait GitHubRepos: Send + Sync + 'static {
    /// Commit `reference` (a short or full SHA) of `repo`.
    fn commit<'a>(
        &'a self,
        repo: &'a str,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Option<rest::Commit>, UpstreamError>>;

    /// Pull request `number` of `repo`.
    fn pull<'a>(
        &'a self,
        repo: &'a str,
        number: u32,
    ) -> BoxFuture<'a, Result<Option<rest::Pull>, UpstreamError>>;

    /// Whether commit `base` is contained in commit `head` (compare status `ahead` or
    /// `identical`).
    fn contains<'a>(
        &'a self,
        repo: &'a str,
        head: &'a str,
        base: &'a str,
    ) -> BoxFuture<'a, Result<Option<bool>, UpstreamError>>;

    /// The deployments to `environment` that went live, newest first (at most
    /// [`rest::MAX_DEPLOYMENTS`]).
    fn deployments<'a>(
        &'a self,
        repo: &'a str,
        environment: &'a str,
    ) -> BoxFuture<'a, Result<Vec<rest::Deployment>, UpstreamError>>;

    /// The repository's tags (at most [`rest::MAX_TAGS`]).
    fn tags<'a>(&'a self, repo: &'a str) -> BoxFuture<'a, Result<Vec<rest::Tag>, UpstreamError>>;

    /// The upstream behind it.
    fn upstream(&self) -> &Upstream;
}

/// The GraphQL and REST client.
#[derive(Debug)]
pub struct GitHubClient {
    upstream: Arc<Upstream>,
    graphql_url: String,
    rest_url: String,
    token: Option<String>,
    apps: Vec<app::AppTokens>,
}

impl GitHubRepos for GitHubClient {
    fn commit<'a>(
        &'a self,
        repo: &'a str,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Option<rest::Commit>, UpstreamError>> {
        Box::pin(GitHubClient::commit(self, repo, reference))
    }

    fn pull<'a>(
        &'a self,
        repo: &'a str,
        number: u32,
    ) -> BoxFuture<'a, Result<Option<rest::Pull>, UpstreamError>> {
        Box::pin(GitHubClient::pull(self, repo, number))
    }

    fn contains<'a>(
        &'a self,
        repo: &'a str,
        head: &'a str,
        base: &'a str,
    ) -> BoxFuture<'a, Result<Option<bool>, UpstreamError>> {
        Box::pin(GitHubClient::contains(self, repo, head, base))
    }

    fn deployments<'a>(
        &'a self,
        repo: &'a str,
        environment: &'a str,
    ) -> BoxFuture<'a, Result<Vec<rest::Deployment>, UpstreamError>> {
        Box::pin(GitHubClient::deployments(self, repo, environment))
    }

    fn tags<'a>(&'a self, repo: &'a str) -> BoxFuture<'a, Result<Vec<rest::Tag>, UpstreamError>> {
        Box::pin(GitHubClient::tags(self, repo))
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }
}

impl GitHubClient {
    /// A client for `config` making its calls through `upstream` (refused when an app's
    /// private key is not RSA PEM).
    pub fn new(config: &GitHubIntegration, upstream: Arc<Upstream>) -> Result<Self, UpstreamError> {
        let apps = config
            .apps
            .iter()
            .map(|a| app::AppTokens::new(a, config.rest_url(), upstream.clone()))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            graphql_url: config.graphql_url(),
            rest_url: config.rest_url(),
            token: config.token.clone().filter(|t| !t.trim().is_empty()),
            apps,
            upstream,
        })
    }

    /// The token for calls about `owner`'s repositories: the installation's on that account,
    /// else the configured token; `None` when neither reaches it.
    async fn token_for(&self, owner: &str) -> Result<Option<String>, UpstreamError> {
        for app in &self.apps {
            if let Some(t) = app.for_owner(owner).await? {
                return Ok(Some(t));
            }
        }
        Ok(self.token.clone())
    }

    /// After a `401`: drops the installation tokens kept, so the call can be made once more
    /// with new ones; `false` when there are none (a configured token is not renewable).
    async fn renew_after(&self, e: &UpstreamError) -> bool {
        if self.apps.is_empty() || !matches!(e, UpstreamError::Status { status: 401, .. }) {
            return false;
        }
        for app in &self.apps {
            app.forget_tokens().await;
        }
        true
    }

    /// The tokens the pull request search runs with: the configured token, or one per
    /// installation of the apps.
    async fn search_tokens(&self) -> Result<Vec<String>, UpstreamError> {
        if self.apps.is_empty() {
            return Ok(self.token.clone().into_iter().collect());
        }
        let mut out = Vec::new();
        for app in &self.apps {
            out.extend(app.all().await?);
        }
        if out.is_empty() {
            return Err(UpstreamError::Local(
                "the GitHub App is not installed on any allowed account".into(),
            ));
        }
        Ok(out)
    }
}

impl GitHubApi for GitHubClient {
    fn pull_requests(
        &self,
        login: String,
        first: u32,
    ) -> BoxFuture<'_, Result<PullRequests, UpstreamError>> {
        Box::pin(pulls::fetch(self, login, first))
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_github_com_and_enterprise() {
        let com = GitHubIntegration {
            host: "github.com".into(),
            token: Some("t".into()),
            api_base_url: None,
            ..GitHubIntegration::default()
        };
        assert_eq!(com.graphql_url(), "https://api.github.com/graphql");
        let ghe = GitHubIntegration {
            host: "ghe.example.net".into(),
            token: Some("t".into()),
            api_base_url: Some("https://ghe.example.net/api/v3/".into()),
            ..GitHubIntegration::default()
        };
        assert_eq!(ghe.rest_url(), "https://ghe.example.net/api/v3");
        assert_eq!(ghe.graphql_url(), "https://ghe.example.net/api/graphql");
        assert!(com.problems("integrations.github[0]").is_empty());
        let bad = GitHubIntegration {
            host: "https://github.com".into(),
            token: None,
            api_base_url: Some("ftp://x".into()),
            ..GitHubIntegration::default()
        };
        let p = bad.problems("integrations.github[0]");
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("integrations.github[0].host"));
    }
}
