//! A fake GitHub GraphQL API for the documents Trellis sends.
//!
//! Contract followed:
//! - <https://docs.github.com/en/graphql/guides/forming-calls-with-graphql>: `POST /graphql`
//!   (`/api/graphql` on Enterprise Server) with `{query, variables, operationName}`, bearer
//!   token; a bad token is `401 {"message": "Bad credentials"}`.
//! - <https://docs.github.com/en/graphql/reference/queries#search>: `search(query, type: ISSUE,
//!   first)` returns `{issueCount, nodes}` with `__typename`-tagged `SearchResultItem`s.
//! - <https://docs.github.com/en/search-github/searching-on-github/searching-issues-and-pull-requests>:
//!   qualifiers `is:pr`, `is:open`, `is:merged`, `archived:false`, `author:LOGIN`,
//!   `review-requested:LOGIN` (which also matches requests to the person's teams),
//!   `sort:updated-desc`.
//! - <https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api>:
//!   `x-ratelimit-*` headers and `rateLimit {cost limit remaining resetAt}`; a spent budget is
//!   `200` with `errors: [{type: "RATE_LIMITED", ...}]` and `x-ratelimit-remaining: 0`.
//! - An installation token of a GitHub App ([`crate::github_app`]) finds only pull requests
//!   in repositories of the installation's account.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::github_app::{reaches, Credentials, FakeGitHubApp};
use crate::Faults;

/// Budget per hour the fake reports.
pub const LIMIT: u64 = 5000;

/// A pull request the fake knows.
#[derive(Debug, Clone, PartialEq)]
pub struct FakePr {
    /// `owner/name`.
    pub repo: String,
    /// Number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Author login.
    pub author: String,
    /// Open (else closed or merged).
    pub open: bool,
    /// Draft.
    pub draft: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// `APPROVED`, `CHANGES_REQUESTED`, `REVIEW_REQUIRED`, or none.
    pub review_decision: Option<&'static str>,
    /// `MERGEABLE`, `CONFLICTING`, `UNKNOWN`.
    pub mergeable: &'static str,
    /// Rollup `StatusState`, none without checks.
    pub rollup: Option<&'static str>,
    /// Check runs by `CheckRunState`.
    pub check_runs: Vec<(&'static str, u32)>,
    /// Logins asked to review.
    pub requested: Vec<String>,
    /// Team slugs (`org/team`) asked to review.
    pub requested_teams: Vec<String>,
}

/// A merged pull request the fake knows (`is:merged` searches).
#[derive(Debug, Clone, PartialEq)]
pub struct FakeMerged {
    /// `owner/name`.
    pub repo: String,
    /// Number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Author login.
    pub author: String,
    /// RFC 3339.
    pub merged_at: String,
    /// The merge commit.
    pub merge_commit: String,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct FakeGitHub {
    prs: RwLock<Vec<FakePr>>,
    merged: RwLock<Vec<FakeMerged>>,
    teams: RwLock<HashMap<String, Vec<String>>>,
    /// The tokens it accepts.
    credentials: Credentials,
    /// Injected faults.
    pub faults: Faults,
    calls: AtomicU64,
    used: AtomicU64,
}

impl FakeGitHub {
    /// A fake accepting `token`, with no pull requests.
    pub fn new(token: &str) -> Arc<Self> {
        Arc::new(Self {
            credentials: Credentials::new(token),
            ..Self::default()
        })
    }

    /// Adds pull requests.
    pub fn add_prs(&self, prs: impl IntoIterator<Item = FakePr>) {
        self.prs
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(prs);
    }

    /// Adds merged pull requests.
    pub fn add_merged(&self, prs: impl IntoIterator<Item = FakeMerged>) {
        self.merged
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(prs);
    }

    /// `author`'s merged pull requests, newest merge first (`is:merged author:LOGIN`).
    fn merged_by(&self, query: &str) -> Vec<FakeMerged> {
        let author = query
            .split_whitespace()
            .find_map(|q| q.strip_prefix("author:"))
            .unwrap_or_default();
        let mut out: Vec<FakeMerged> = self
            .merged
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|m| m.author.eq_ignore_ascii_case(author))
            .cloned()
            .collect();
        out.sort_by(|a, b| b.merged_at.cmp(&a.merged_at));
        out
    }

    /// Sets a team's members (`org/team` slug).
    pub fn set_team(&self, slug: &str, members: Vec<String>) {
        self.teams
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(slug.to_ascii_lowercase(), members);
    }

    /// Also accepts `app`'s installation tokens (each for its account's repositories).
    pub fn accept_app(&self, app: Arc<FakeGitHubApp>) {
        self.credentials.accept_app(app);
    }

    /// GraphQL requests answered so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The router (`/graphql` and Enterprise's `/api/graphql`).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/graphql", post(graphql))
            .route("/api/graphql", post(graphql))
            .with_state(self.clone())
    }

    fn search(&self, query: &str) -> Vec<FakePr> {
        let mut author = None;
        let mut reviewer = None;
        let mut open = None;
        for q in query.split_whitespace() {
            match q.split_once(':') {
                Some(("author", v)) => author = Some(v.to_ascii_lowercase()),
                Some(("review-requested", v)) => reviewer = Some(v.to_ascii_lowercase()),
                Some(("is", "open")) => open = Some(true),
                Some(("is", "closed")) => open = Some(false),
                _ => {}
            }
        }
        let teams = self.teams.read().unwrap_or_else(|e| e.into_inner());
        let in_team = |login: &str, slug: &String| {
            teams
                .get(&slug.to_ascii_lowercase())
                .is_some_and(|m| m.iter().any(|x| x.eq_ignore_ascii_case(login)))
        };
        let mut out: Vec<FakePr> = self
            .prs
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|p| open.is_none_or(|o| p.open == o))
            .filter(|p| {
                author
                    .as_ref()
                    .is_none_or(|a| p.author.eq_ignore_ascii_case(a))
            })
            .filter(|p| {
                reviewer.as_ref().is_none_or(|r| {
                    p.requested.iter().any(|x| x.eq_ignore_ascii_case(r))
                        || p.requested_teams.iter().any(|t| in_team(r, t))
                })
            })
            .cloned()
            .collect();
        out.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        out
    }
}

fn node(p: &FakePr) -> Value {
    let rollup = p.rollup.map(|state| {
        let total: u32 = p.check_runs.iter().map(|(_, n)| n).sum();
        json!({
            "state": state,
            "contexts": {
                "totalCount": total,
                "checkRunCountsByState": p.check_runs.iter().map(|(s, n)| json!({"state": s, "count": n})).collect::<Vec<_>>(),
                "statusContextCountsByState": [],
            }
        })
    });
    json!({
        "__typename": "PullRequest",
        "number": p.number,
        "title": p.title,
        "url": format!("https://github.com/{}/pull/{}", p.repo, p.number),
        "isDraft": p.draft,
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
        "reviewDecision": p.review_decision,
        "mergeable": p.mergeable,
        "repository": {"nameWithOwner": p.repo},
        "author": {"__typename": "User", "login": p.author},
        "commits": {"nodes": [{"commit": {"statusCheckRollup": rollup}}]},
    })
}

/// When the fake's budget resets: half an hour from now.
fn reset_at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::TimeDelta::minutes(30)
}

/// GitHub's `x-ratelimit-*` headers with `used` of [`LIMIT`] spent on `resource`.
pub(crate) fn rate_headers(used: u64, resource: &str) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (k, v) in [
        ("x-ratelimit-limit", LIMIT.to_string()),
        (
            "x-ratelimit-remaining",
            LIMIT.saturating_sub(used).to_string(),
        ),
        ("x-ratelimit-used", used.to_string()),
        ("x-ratelimit-reset", reset_at().timestamp().to_string()),
        ("x-ratelimit-resource", resource.to_string()),
    ] {
        if let Ok(v) = v.parse() {
            out.insert(k, v);
        }
    }
    out
}

fn err(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"message": message, "documentation_url": "https://docs.github.com/graphql"})),
    )
        .into_response()
}

async fn graphql(
    State(gh): State<Arc<FakeGitHub>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    gh.calls.fetch_add(1, Ordering::Relaxed);
    let fail = gh.faults.apply().await;
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let given = auth
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("bearer "))
        .and_then(|_| auth.get(7..));
    let Some(scope) = given.and_then(|t| gh.credentials.scope(t)) else {
        return err(StatusCode::UNAUTHORIZED, "Bad credentials");
    };
    let in_scope = |repo: &str| reaches(scope.as_deref(), repo);
    if fail {
        return err(StatusCode::BAD_GATEWAY, "Server Error");
    }
    let reset = reset_at();
    let limited = gh.faults.rate_limited();
    let used = if limited {
        LIMIT
    } else {
        (gh.used.fetch_add(1, Ordering::Relaxed) + 1).min(LIMIT)
    };
    let remaining = LIMIT - used;
    let out = rate_headers(used, "graphql");
    if limited {
        let body = json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]});
        return (StatusCode::OK, out, Json(body)).into_response();
    }
    if body["operationName"] != "HomePullRequests"
        || !body["query"]
            .as_str()
            .is_some_and(|q| q.contains("search("))
    {
        let body = json!({"errors": [{"message": "this fake answers only the HomePullRequests document"}]});
        return (StatusCode::OK, out, Json(body)).into_response();
    }
    let first = body["variables"]["first"]
        .as_u64()
        .unwrap_or(10)
        .clamp(1, 100) as usize;
    let search = |var: &str| {
        let mut found = gh.search(body["variables"][var].as_str().unwrap_or(""));
        found.retain(|p| in_scope(&p.repo));
        json!({
            "issueCount": found.len(),
            "nodes": found.iter().take(first).map(node).collect::<Vec<_>>(),
        })
    };
    let recent = body["variables"]["recent"]
        .as_u64()
        .unwrap_or(5)
        .clamp(1, 100) as usize;
    let merged: Vec<Value> = gh
        .merged_by(body["variables"]["merged"].as_str().unwrap_or(""))
        .iter()
        .filter(|m| in_scope(&m.repo))
        .take(recent)
        .map(|m| {
            json!({"__typename": "PullRequest", "number": m.number, "title": m.title,
                   "url": format!("https://github.com/{}/pull/{}", m.repo, m.number),
                   "mergedAt": m.merged_at, "repository": {"nameWithOwner": m.repo},
                   "mergeCommit": {"oid": m.merge_commit}})
        })
        .collect();
    let data = json!({
        "mine": search("mine"),
        "review": search("review"),
        "merged": {"nodes": merged},
        "rateLimit": {"cost": 1, "limit": LIMIT, "remaining": remaining, "resetAt": reset.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)},
    });
    (StatusCode::OK, out, Json(json!({"data": data}))).into_response()
}
