//! GitHub's REST API for "find any commit": a commit by (short) SHA, a pull request's merge
//! commit, the ancestry of two commits (compare), an environment's deployments with their
//! latest status, and a repository's tags.
//!
//! API contract (<https://docs.github.com/en/rest>, version `2022-11-28`):
//! - `GET /repos/{o}/{r}/commits/{ref}`: 404 unknown repository, 422 unknown commit.
//! - `GET /repos/{o}/{r}/pulls/{n}`: `merged`, `merge_commit_sha`, `merged_at`.
//! - `GET /repos/{o}/{r}/compare/{base}...{head}`: `status` `ahead` / `identical` means `base`
//!   is contained in `head`; `per_page=1` keeps the answer small.
//! - `GET /repos/{o}/{r}/deployments?environment=`, newest first; each one's newest status
//!   from `GET .../deployments/{id}/statuses?per_page=1`. A deployment that went live and was
//!   replaced is `inactive` (GitHub's `auto_inactive`), the live one `success`.
//! - `GET /repos/{o}/{r}/tags`, paged with `per_page`/`page` while `Link` has `rel="next"`.
//!
//! Only checked input reaches a URL: repositories are `owner/name` ([`is_repo`]), commits hex
//! ([`is_sha`]); the environment goes in as an encoded query value.

mod calls;

/// Most deployments read per environment.
pub const MAX_DEPLOYMENTS: usize = 20;

/// Most tags read per repository.
pub const MAX_TAGS: usize = 300;

pub use trellis_shared::github::{is_repo, is_sha};

/// A commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Its full SHA.
    pub sha: String,
    /// The first line of its message.
    pub title: String,
    /// Its web page.
    pub url: String,
    /// Committed at (RFC 3339).
    pub date: String,
}

/// A pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pull {
    /// Its title.
    pub title: String,
    /// Its web page.
    pub url: String,
    /// `open` or `closed`.
    pub state: String,
    /// Its merge commit, when merged.
    pub merge_commit: Option<String>,
    /// When it was merged.
    pub merged_at: Option<String>,
}

/// A deployment that went live: `live` is whether it still is (status `success`, not yet
/// `inactive`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// Its id.
    pub id: u64,
    /// The deployed commit.
    pub sha: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Whether it is the live one.
    pub live: bool,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Its name.
    pub name: String,
    /// The commit it points at.
    pub sha: String,
}
