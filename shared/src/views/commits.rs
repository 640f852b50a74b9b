//! "Find any commit": where a change is live. Given a commit or a pull request, for every
//! deploy target of its repository's components: whether the change is live, since when, and
//! which deploy or release carried it, decided by ancestry (the change is contained in what
//! is deployed), with rollbacks shown.

use serde::{Deserialize, Serialize};

/// What was asked about, and where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CommitReport {
    /// The repository (`owner/name`).
    pub repository: String,
    /// The change: the commit asked about, or the pull request's merge commit.
    pub commit: Option<CommitRef>,
    /// The pull request asked about.
    pub pull: Option<PullRef>,
    /// The catalog's components built from the repository (annotation
    /// `github.com/project-slug`) that the caller can see.
    pub components: Vec<String>,
    /// Every configured deploy target, in config order.
    pub targets: Vec<TargetStatus>,
}

/// A commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CommitRef {
    /// Full SHA.
    pub sha: String,
    /// First line of its message.
    pub title: String,
    /// Its page on GitHub.
    pub url: String,
    /// Committed at (RFC 3339).
    pub date: String,
}

/// A pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullRef {
    /// Its number.
    pub number: u32,
    /// Its title.
    pub title: String,
    /// Its page on GitHub.
    pub url: String,
    /// When it was merged (none: not merged, so nothing of it is live).
    pub merged_at: Option<String>,
}

/// Where the change stands on one deploy target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Liveness {
    /// What is deployed contains it.
    Live,
    /// What is deployed does not contain it, and never did.
    NotYet,
    /// An earlier deploy contained it; a later one no longer does.
    RolledBack,
    /// Nothing was ever deployed there (or the target could not be read: see `problem`).
    Unknown,
}

/// A deploy or release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeployRef {
    /// What it is: `deployment 1042`, `event deploy-7781`, `ios-v4.2.0`.
    pub label: String,
    /// The deployed commit.
    pub sha: String,
    /// When (RFC 3339).
    pub at: String,
}

/// One deploy target's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TargetStatus {
    /// The environment (config `deployments.environments[].name`).
    pub environment: String,
    /// `service` (deployments, deploy events) or `mobile` (release tags).
    pub kind: String,
    /// The component, for targets deployed per component (deploy events).
    pub component: Option<String>,
    /// Where the change stands.
    pub state: Liveness,
    /// The deploy or release that first carried it (live: since then; rolled back: the one
    /// that was rolled back).
    pub carried_by: Option<DeployRef>,
    /// Whether `carried_by` is only the oldest deploy Trellis read (it may have been live
    /// longer).
    pub at_least: bool,
    /// The later deploy that no longer contains it (rolled back).
    pub rolled_back_by: Option<DeployRef>,
    /// What is deployed now.
    pub current: Option<DeployRef>,
    /// Why the target could not be read, if it could not.
    pub problem: Option<String>,
}

/// One of my recently merged pull requests, and where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MergedWhere {
    /// The pull request.
    pub pull: crate::views::home::MergedPull,
    /// Every deploy target's answer for its merge commit.
    pub targets: Vec<TargetStatus>,
}
