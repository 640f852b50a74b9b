//! The pull requests card's GraphQL request (`graphql/home_pull_requests.graphql`, typed by
//! graphql_client from the schema subset beside it) and its mapping to the card's data.
//!
//! GitHub reports a spent budget as `200` with `errors[].type == "RATE_LIMITED"` and
//! `x-ratelimit-remaining: 0` (<https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api>),
//! so errors are read even on success.

use graphql_client::GraphQLQuery;
use serde::Deserialize;
use trellis_shared::views::home::{
    CheckState, Checks, Mergeable, MergedPull, PullRequest, PullRequests, ReviewDecision,
};

use super::GitHubClient;
use crate::UpstreamError;

#[allow(clippy::upper_case_acronyms)]
type URI = String;
type DateTime = String;
type GitObjectID = String;

/// The card's query.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "graphql/github-subset.graphql",
    query_path = "graphql/home_pull_requests.graphql",
    response_derives = "Debug",
    // GitHub has more Actor kinds (Mannequin, Organization, ...) than the subset names.
    fragments_other_variant = "true"
)]
pub struct HomePullRequests;

use home_pull_requests as q;

/// A GraphQL answer as GitHub sends it (errors carry a top-level `type`).
#[derive(Deserialize)]
struct Envelope {
    data: Option<q::ResponseData>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

#[derive(Deserialize)]
struct GraphQlError {
    message: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
}

/// The search strings (GitHub's search syntax) for `login`: mine, waiting on my review, my
/// merged ones.
pub fn searches(login: &str) -> [String; 3] {
    [
        format!("is:pr is:open archived:false author:{login} sort:updated-desc"),
        format!("is:pr is:open archived:false review-requested:{login} sort:updated-desc"),
        format!("is:pr is:merged author:{login} sort:updated-desc"),
    ]
}

/// How many of my merged pull requests are asked for.
pub const RECENT_MERGED: i64 = 5;

/// `login`'s pull requests: one request per token (one, or one per installation of the
/// GitHub Apps, whose answers are merged newest first).
pub(super) async fn fetch(
    client: &GitHubClient,
    login: String,
    first: u32,
) -> Result<PullRequests, UpstreamError> {
    match fetch_all(client, login.clone(), first).await {
        Err(e) if client.renew_after(&e).await => fetch_all(client, login, first).await,
        other => other,
    }
}

async fn fetch_all(
    client: &GitHubClient,
    login: String,
    first: u32,
) -> Result<PullRequests, UpstreamError> {
    let mut answers = Vec::new();
    for token in client.search_tokens().await? {
        answers.push(fetch_with(client, &token, login.clone(), first).await?);
    }
    Ok(merge(login, answers, first))
}

/// Several installations' answers as one (each pull request is in one repository, so in one
/// installation's answer).
fn merge(login: String, answers: Vec<PullRequests>, first: u32) -> PullRequests {
    let answers = match <[PullRequests; 1]>::try_from(answers) {
        Ok([one]) => return one,
        Err(many) => many,
    };
    let mut out = PullRequests {
        login,
        mine: Vec::new(),
        mine_total: 0,
        review: Vec::new(),
        review_total: 0,
        merged: Vec::new(),
    };
    for a in answers {
        out.mine.extend(a.mine);
        out.mine_total += a.mine_total;
        out.review.extend(a.review);
        out.review_total += a.review_total;
        out.merged.extend(a.merged);
    }
    let first = usize::try_from(first).unwrap_or(usize::MAX);
    for list in [&mut out.mine, &mut out.review] {
        list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        list.truncate(first);
    }
    out.merged.sort_by(|a, b| b.merged_at.cmp(&a.merged_at));
    out.merged
        .truncate(usize::try_from(RECENT_MERGED).unwrap_or(usize::MAX));
    out
}

async fn fetch_with(
    client: &GitHubClient,
    token: &str,
    login: String,
    first: u32,
) -> Result<PullRequests, UpstreamError> {
    let [mine, review, merged] = searches(&login);
    let body = HomePullRequests::build_query(q::Variables {
        mine,
        review,
        merged,
        first: i64::from(first.clamp(1, 100)),
        recent: RECENT_MERGED,
    });
    let upstream = &client.upstream;
    let answer = upstream
        .call("pull_requests", true, |http| {
            http.post(&client.graphql_url)
                .bearer_auth(token)
                .header("accept", "application/vnd.github+json")
                .json(&body)
        })
        .await?;
    let envelope: Envelope = upstream.json(&answer)?;
    if let Some(limit) = envelope.data.as_ref().and_then(|d| d.rate_limit.as_ref()) {
        let reset = chrono::DateTime::parse_from_rfc3339(&limit.reset_at)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc));
        upstream.limits().observe(
            u64::try_from(limit.limit).unwrap_or(0),
            u64::try_from(limit.remaining).unwrap_or(0),
            reset,
        );
    }
    if let Some(e) = envelope.errors.first() {
        if envelope
            .errors
            .iter()
            .any(|e| e.kind.as_deref() == Some("RATE_LIMITED"))
        {
            let retry_after = upstream
                .limits()
                .blocked_for()
                .unwrap_or(std::time::Duration::from_secs(60));
            upstream.limits().block_for(retry_after);
            return Err(UpstreamError::RateLimited {
                upstream: upstream.name(),
                retry_after,
            });
        }
        if envelope.data.is_none() {
            return Err(UpstreamError::Status {
                upstream: upstream.name(),
                status: answer.status.as_u16(),
                detail: e.message.chars().take(200).collect(),
            });
        }
        tracing::warn!(error = %e.message, "GitHub answered the pull requests query with errors and data");
    }
    let data = envelope.data.ok_or_else(|| UpstreamError::Decode {
        upstream: upstream.name(),
        detail: "the answer has neither data nor errors".into(),
    })?;
    Ok(PullRequests {
        login,
        mine_total: count(data.mine.issue_count),
        mine: pulls(data.mine.nodes),
        review_total: count(data.review.issue_count),
        review: pulls(data.review.nodes),
        merged: data
            .merged
            .nodes
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .filter_map(|n| match n {
                q::HomePullRequestsMergedNodes::PullRequest(p) => Some(MergedPull {
                    repository: p.repository.name_with_owner,
                    number: u32::try_from(p.number).unwrap_or(0),
                    title: p.title,
                    url: p.url,
                    merged_at: p.merged_at,
                    merge_commit: p.merge_commit.map(|c| c.oid),
                }),
                _ => None,
            })
            .collect(),
    })
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn pulls<N: Into<Option<q::Pr>>>(nodes: Option<Vec<Option<N>>>) -> Vec<PullRequest> {
    nodes
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .filter_map(|n| n.into())
        .map(view)
        .collect()
}

impl From<q::HomePullRequestsMineNodes> for Option<q::Pr> {
    fn from(n: q::HomePullRequestsMineNodes) -> Self {
        match n {
            q::HomePullRequestsMineNodes::PullRequest(pr) => Some(pr),
            _ => None,
        }
    }
}

impl From<q::HomePullRequestsReviewNodes> for Option<q::Pr> {
    fn from(n: q::HomePullRequestsReviewNodes) -> Self {
        match n {
            q::HomePullRequestsReviewNodes::PullRequest(pr) => Some(pr),
            _ => None,
        }
    }
}

fn view(pr: q::Pr) -> PullRequest {
    let rollup = pr
        .commits
        .nodes
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .next_back()
        .and_then(|c| c.commit.status_check_rollup);
    PullRequest {
        repository: pr.repository.name_with_owner,
        number: u32::try_from(pr.number).unwrap_or(0),
        title: pr.title,
        url: pr.url,
        author: pr.author.map(|a| a.login),
        draft: pr.is_draft,
        updated_secs_before_fetch: chrono::DateTime::parse_from_rfc3339(&pr.updated_at)
            .ok()
            .and_then(|t| {
                (chrono::Utc::now() - t.with_timezone(&chrono::Utc))
                    .to_std()
                    .ok()
            })
            .map_or(0, |d| d.as_secs()),
        created_at: pr.created_at,
        updated_at: pr.updated_at,
        review_decision: pr.review_decision.and_then(|d| match d {
            q::PullRequestReviewDecision::APPROVED => Some(ReviewDecision::Approved),
            q::PullRequestReviewDecision::CHANGES_REQUESTED => {
                Some(ReviewDecision::ChangesRequested)
            }
            q::PullRequestReviewDecision::REVIEW_REQUIRED => Some(ReviewDecision::ReviewRequired),
            q::PullRequestReviewDecision::Other(_) => None,
        }),
        mergeable: match pr.mergeable {
            q::MergeableState::MERGEABLE => Mergeable::Mergeable,
            q::MergeableState::CONFLICTING => Mergeable::Conflicting,
            _ => Mergeable::Unknown,
        },
        checks: rollup.map(checks).unwrap_or_default(),
    }
}

fn checks(r: q::PrCommitsNodesCommitStatusCheckRollup) -> Checks {
    use q::CheckRunState as R;
    use q::StatusState as S;
    let mut c = Checks {
        state: match r.state {
            S::SUCCESS => Some(CheckState::Success),
            S::FAILURE | S::ERROR => Some(CheckState::Failure),
            S::PENDING | S::EXPECTED => Some(CheckState::Pending),
            S::Other(_) => None,
        },
        total: count(r.contexts.total_count),
        ..Checks::default()
    };
    for s in r.contexts.check_run_counts_by_state.unwrap_or_default() {
        let n = count(s.count);
        match s.state {
            R::SUCCESS | R::NEUTRAL | R::SKIPPED | R::COMPLETED => c.passed += n,
            R::QUEUED | R::IN_PROGRESS | R::PENDING | R::WAITING => c.pending += n,
            _ => c.failed += n,
        }
    }
    for s in r
        .contexts
        .status_context_counts_by_state
        .unwrap_or_default()
    {
        let n = count(s.count);
        match s.state {
            S::SUCCESS => c.passed += n,
            S::PENDING | S::EXPECTED => c.pending += n,
            _ => c.failed += n,
        }
    }
    c
}
