//! The home page's widget data: one wire type for every card ([`Widget`]: the data, how old it
//! is, whether it is stale, what went wrong), and the cards' own data (pull requests first).

use serde::{Deserialize, Serialize};

/// What a card shows: the last good data (if any) and the state of the upstream behind it. A
/// card with `problem` set still shows `data` when there is some, with its age.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Widget<T> {
    /// The data, when Trellis has any (fresh or stale); absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// Seconds since the data was fetched from the upstream.
    pub age_secs: Option<u64>,
    /// Whether the data is older than the card's freshness window (a refresh is under way or
    /// failed).
    pub stale: bool,
    /// Why the card has no fresh data, if so.
    pub problem: Option<WidgetProblem>,
    /// The problem in words, naming the upstream.
    pub message: Option<String>,
}

impl<T> Widget<T> {
    /// Fresh or stale data without a problem.
    pub fn ok(data: T, age_secs: u64, stale: bool) -> Self {
        Widget {
            data: Some(data),
            age_secs: Some(age_secs),
            stale,
            problem: None,
            message: None,
        }
    }

    /// No data: only the problem.
    pub fn failed(problem: WidgetProblem, message: impl Into<String>) -> Self {
        Widget {
            data: None,
            age_secs: None,
            stale: false,
            problem: Some(problem),
            message: Some(message.into()),
        }
    }
}

/// Why a card lacks fresh data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum WidgetProblem {
    /// The integration is not configured on this portal.
    NotConfigured,
    /// The person has no identity in that tool.
    UnknownPerson,
    /// The upstream did not answer in time (the card fills in on a later load).
    Slow,
    /// The upstream is rate limiting the portal.
    RateLimited,
    /// The upstream fails or is unreachable.
    Unavailable,
}

/// The pull requests card: mine and those waiting on my review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullRequests {
    /// The GitHub login they are for.
    pub login: String,
    /// My open pull requests (drafts included), newest update first.
    pub mine: Vec<PullRequest>,
    /// How many of mine are open in all (may exceed `mine.len()`).
    pub mine_total: u32,
    /// Open pull requests requesting my review, directly or through my teams.
    pub review: Vec<PullRequest>,
    /// How many request my review in all.
    pub review_total: u32,
    /// My recently merged pull requests, newest update first (find any commit's list).
    #[serde(default)]
    pub merged: Vec<MergedPull>,
}

/// A merged pull request of mine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MergedPull {
    /// `owner/name`.
    pub repository: String,
    /// Its number.
    pub number: u32,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// When it was merged (RFC 3339).
    pub merged_at: Option<String>,
    /// Its merge commit.
    pub merge_commit: Option<String>,
}

/// One pull request as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullRequest {
    /// `owner/name`.
    pub repository: String,
    /// Its number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Link to it on GitHub.
    pub url: String,
    /// Author's login (absent for deleted users).
    pub author: Option<String>,
    /// Whether it is a draft.
    pub draft: bool,
    /// Opened at (RFC 3339).
    pub created_at: String,
    /// Last updated at (RFC 3339).
    pub updated_at: String,
    /// Seconds between its last update and the fetch (add the widget's age for now).
    pub updated_secs_before_fetch: u64,
    /// Review decision; `None` when the repository requires no reviews.
    pub review_decision: Option<ReviewDecision>,
    /// Whether it merges cleanly.
    pub mergeable: Mergeable,
    /// Checks on its head commit.
    pub checks: Checks,
}

/// GitHub's `PullRequestReviewDecision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ReviewDecision {
    /// Approved.
    Approved,
    /// Changes requested.
    ChangesRequested,
    /// Review required, none decisive yet.
    ReviewRequired,
}

/// GitHub's `MergeableState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Mergeable {
    /// Merges cleanly.
    Mergeable,
    /// Has conflicts.
    Conflicting,
    /// GitHub is still computing it.
    Unknown,
}

/// The head commit's check rollup: overall state and counts by outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    /// Overall rollup; `None` when the commit has no checks.
    pub state: Option<CheckState>,
    /// Checks and statuses in all.
    pub total: u32,
    /// Succeeded (or neutral, skipped).
    pub passed: u32,
    /// Failed, errored, timed out, cancelled, or needing action.
    pub failed: u32,
    /// Queued, running or waiting.
    pub pending: u32,
}

/// GitHub's `StatusState` for the rollup, reduced to what a person acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CheckState {
    /// Everything passed.
    Success,
    /// Something failed or errored.
    Failure,
    /// Still running or expected.
    Pending,
}

/// The Jira card: my open issues across projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JiraIssues {
    /// The Jira account they are for.
    pub account_id: String,
    /// Open issues assigned to me (not in a done status), soonest due first.
    pub issues: Vec<JiraIssue>,
    /// Whether more match than were read.
    pub more: bool,
}

/// One Jira issue as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JiraIssue {
    /// `ADS-12`.
    pub key: String,
    /// Link to it.
    pub url: String,
    /// Summary.
    pub summary: String,
    /// Status name.
    pub status: String,
    /// Status category key: `new`, `indeterminate` or `done`.
    pub status_category: String,
    /// Priority name, if set.
    pub priority: Option<String>,
    /// Due date (`YYYY-MM-DD`), if set.
    pub due: Option<String>,
    /// Days from the fetch to the due date (negative: overdue).
    pub due_in_days: Option<i64>,
    /// Issue type name.
    pub issue_type: String,
    /// Project key.
    pub project: String,
}

/// The PagerDuty card: am I on call (now and next), and the open incidents of the services my
/// teams own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PagerDuty {
    /// The PagerDuty user they are for, when found.
    pub user: Option<PagerDutyUser>,
    /// My on-call shifts: the current or next one per escalation policy and level (soonest
    /// first), within the next [`PagerDuty::window_days`] days.
    pub on_call: Vec<OnCall>,
    /// How far ahead `on_call` looks.
    pub window_days: u32,
    /// Open (triggered or acknowledged) incidents of my teams' services, newest first.
    pub incidents: Vec<Incident>,
    /// Whether more incidents are open than were read.
    pub more_incidents: bool,
    /// How many services of my teams have a PagerDuty service (`pagerduty.com/service-id`).
    pub services: u32,
}

/// A PagerDuty user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PagerDutyUser {
    /// `PXPGF42`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Their page in PagerDuty.
    pub url: String,
}

/// One on-call shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OnCall {
    /// The escalation policy's name.
    pub policy: String,
    /// Its page in PagerDuty.
    pub policy_url: String,
    /// Escalation level (1 is paged first).
    pub level: u32,
    /// The schedule's name, when the shift comes from one.
    pub schedule: Option<String>,
    /// Start (RFC 3339); absent: always on call.
    pub start: Option<String>,
    /// End (RFC 3339); absent: always on call.
    pub end: Option<String>,
    /// Whether the shift is under way at the fetch.
    pub now: bool,
}

/// One open incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    /// `1234`.
    pub number: u64,
    /// Title.
    pub title: String,
    /// `triggered` or `acknowledged`.
    pub status: String,
    /// `high` or `low`.
    pub urgency: String,
    /// The service's name.
    pub service: String,
    /// Its page in PagerDuty.
    pub url: String,
    /// When it was opened (RFC 3339).
    pub created_at: String,
    /// Whether it is assigned to me.
    pub mine: bool,
}
