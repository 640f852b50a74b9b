//! A fake of GitHub's REST API for "find any commit", answering from real local git
//! repositories ([`crate::git::GitRepo`]) plus the pull requests and deployments tests add.
//!
//! Contract followed (<https://docs.github.com/en/rest>, API version 2022-11-28):
//! - `GET /repos/{owner}/{repo}/commits/{ref}` (short SHAs resolve; `404 Not Found`, `422 No
//!   commit found for SHA: ...`): <https://docs.github.com/en/rest/commits/commits#get-a-commit>.
//! - `GET /repos/{owner}/{repo}/pulls/{pull_number}` (`merged`, `merge_commit_sha`,
//!   `merged_at`): <https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request>.
//! - `GET /repos/{owner}/{repo}/compare/{base}...{head}`: `status` is `ahead`, `behind`,
//!   `identical` or `diverged`, with `ahead_by`, `behind_by`, `merge_base_commit`; `commits`
//!   paged by `per_page`/`page`: <https://docs.github.com/en/rest/commits/commits#compare-two-commits>.
//! - `GET /repos/{owner}/{repo}/deployments?environment=&per_page=&page=`, newest first, and
//!   `GET .../deployments/{id}/statuses`, newest first (`state`: `error`, `failure`,
//!   `inactive`, `in_progress`, `queued`, `pending`, `success`):
//!   <https://docs.github.com/en/rest/deployments/deployments>, <https://docs.github.com/en/rest/deployments/statuses>.
//! - `GET /repos/{owner}/{repo}/tags?per_page=&page=` with a `Link` header (`rel="next"`):
//!   <https://docs.github.com/en/rest/repos/repos#list-repository-tags>,
//!   <https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api>.
//! - Auth `Authorization: Bearer|token <token>`, else `401 Bad credentials`; `x-ratelimit-*`
//!   headers (resource `core`); a spent budget is `403` with `x-ratelimit-remaining: 0`:
//!   <https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api>.
//! - An installation token of a GitHub App ([`crate::github_app`]) reaches the installation
//!   account's repositories; any other is `404 Not Found`:
//!   <https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation>.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::git::GitRepo;
use crate::github::{rate_headers, LIMIT};
use crate::github_app::{reaches, Credentials, FakeGitHubApp};
use crate::Faults;

mod handlers;
use handlers::{commit, compare, deployments, err, pull, statuses, tags};

/// A pull request as the REST API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RestPull {
    /// Number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Author login.
    pub author: String,
    /// Its merge commit, once merged.
    pub merge_commit: Option<String>,
    /// When it was merged (RFC 3339).
    pub merged_at: Option<String>,
}

/// A deployment and its statuses (oldest first, as added).
#[derive(Debug, Clone, PartialEq)]
pub struct FakeDeployment {
    /// Id.
    pub id: u64,
    /// The deployed commit.
    pub sha: String,
    /// The environment.
    pub environment: String,
    /// RFC 3339.
    pub created_at: String,
    /// `(state, created_at)`, oldest first.
    pub statuses: Vec<(String, String)>,
}

#[derive(Debug)]
pub(crate) struct Repo {
    pub(crate) git: GitRepo,
    pub(crate) pulls: Vec<RestPull>,
    pub(crate) deployments: Vec<FakeDeployment>,
}

/// The fake's state: repositories by `owner/name` (lower case).
#[derive(Debug, Default)]
pub struct FakeGitHubRest {
    credentials: Credentials,
    repos: RwLock<HashMap<String, Repo>>,
    /// Injected faults.
    pub faults: Faults,
    calls: AtomicU64,
    used: AtomicU64,
    next_id: AtomicU64,
}

impl FakeGitHubRest {
    /// A fake accepting `token`, with no repositories.
    pub fn new(token: &str) -> Arc<Self> {
        Arc::new(Self {
            credentials: Credentials::new(token),
            next_id: AtomicU64::new(1000),
            ..Self::default()
        })
    }

    /// Serves `git` as repository `slug` (`owner/name`).
    pub fn add_repo(&self, slug: &str, git: GitRepo) {
        self.write().insert(
            slug.to_ascii_lowercase(),
            Repo {
                git,
                pulls: Vec::new(),
                deployments: Vec::new(),
            },
        );
    }

    /// Adds a pull request to `slug`.
    pub fn add_pull(&self, slug: &str, pull: RestPull) {
        if let Some(r) = self.write().get_mut(&slug.to_ascii_lowercase()) {
            r.pulls.push(pull);
        }
    }

    /// Records a deployment of `sha` to `environment` at `at` whose latest status is `state`;
    /// its id.
    pub fn deploy(&self, slug: &str, environment: &str, sha: &str, state: &str, at: &str) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Some(r) = self.write().get_mut(&slug.to_ascii_lowercase()) {
            r.deployments.push(FakeDeployment {
                id,
                sha: sha.into(),
                environment: environment.into(),
                created_at: at.into(),
                statuses: vec![("in_progress".into(), at.into()), (state.into(), at.into())],
            });
        }
        id
    }

    /// Runs `f` on repository `slug`'s git (demo and tests build history through it).
    pub fn with_git<T>(&self, slug: &str, f: impl FnOnce(&GitRepo) -> T) -> Option<T> {
        let repos = self.repos.read().unwrap_or_else(|e| e.into_inner());
        repos.get(&slug.to_ascii_lowercase()).map(|r| f(&r.git))
    }

    /// Also accepts `app`'s installation tokens (each for its account's repositories).
    pub fn accept_app(&self, app: Arc<FakeGitHubApp>) {
        self.credentials.accept_app(app);
    }

    /// Requests answered so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Repo>> {
        self.repos.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The router, at the REST API's root (nest it under `/api/v3` for Enterprise's shape).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/repos/{owner}/{repo}/commits/{reference}", get(commit))
            .route("/repos/{owner}/{repo}/pulls/{number}", get(pull))
            .route("/repos/{owner}/{repo}/compare/{basehead}", get(compare))
            .route("/repos/{owner}/{repo}/deployments", get(deployments))
            .route(
                "/repos/{owner}/{repo}/deployments/{id}/statuses",
                get(statuses),
            )
            .route("/repos/{owner}/{repo}/tags", get(tags))
            .layer(axum::middleware::from_fn_with_state(self.clone(), admit))
            .with_state(self.clone())
    }

    /// Auth, faults and rate limit for a request to `path`: the headers to answer with, or
    /// the refusal.
    async fn check(&self, path: &str, headers: &HeaderMap) -> Result<HeaderMap, Response> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let fail = self.faults.apply().await;
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let given = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("token "));
        let Some(scope) = given.and_then(|t| self.credentials.scope(t)) else {
            return Err(err(StatusCode::UNAUTHORIZED, "Bad credentials"));
        };
        let repo = path.strip_prefix("/repos/").unwrap_or_default();
        if !reaches(scope.as_deref(), repo) {
            return Err(err(StatusCode::NOT_FOUND, "Not Found"));
        }
        if fail {
            return Err(err(StatusCode::BAD_GATEWAY, "Server Error"));
        }
        let limited = self.faults.rate_limited();
        let used = if limited {
            LIMIT
        } else {
            (self.used.fetch_add(1, Ordering::Relaxed) + 1).min(LIMIT)
        };
        let out = rate_headers(used, "core");
        if limited {
            let body = json!({"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"});
            return Err((StatusCode::FORBIDDEN, out, Json(body)).into_response());
        }
        Ok(out)
    }

    /// `f` of repository `owner/repo`, or the 404 GitHub answers for an unknown one.
    ///
    /// `f` may run `git`: on a multi-threaded runtime (the demo's server) it runs as blocking
    /// work, so the runtime moves other tasks off this worker meanwhile.
    pub(crate) fn repo<T>(&self, owner: &str, repo: &str, f: impl FnOnce(&Repo) -> T) -> Option<T> {
        let run = || {
            let repos = self.repos.read().unwrap_or_else(|e| e.into_inner());
            repos
                .get(&format!("{owner}/{repo}").to_ascii_lowercase())
                .map(f)
        };
        let flavor = tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor());
        match flavor {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(run),
            _ => run(),
        }
    }
}

/// Every request: auth, injected faults and the rate limit first; the answer gets the
/// `x-ratelimit-*` headers.
async fn admit(
    axum::extract::State(gh): axum::extract::State<Arc<FakeGitHubRest>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match gh.check(request.uri().path(), request.headers()).await {
        Ok(limits) => {
            let mut response = next.run(request).await;
            response.headers_mut().extend(limits);
            response
        }
        Err(refused) => refused,
    }
}
