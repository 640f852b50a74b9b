//! The demo's history for "find any commit": for each repository of the demo user's team, a
//! real git repository where pull requests were merged one after another, GitHub Deployments
//! to `production` (with a rollback), `ios-v*` release tags on the app's repository, and the
//! deploy events CI would have posted for `staging`. Commit times are whole days before the
//! start, so the SHAs are the same all day.

use chrono::{DateTime, TimeDelta, Utc};

use super::DemoOrg;
use crate::git::GitRepo;
use crate::github::FakeMerged;
use crate::github_rest::{FakeGitHubRest, RestPull};

/// The demo's team, whose repositories have history.
pub const TEAM: &str = "team-home-feed";

/// The demo user's GitHub login.
const DEMO_AUTHOR: &str = "demo.user";

/// Pull requests merged per repository.
const MERGED: u32 = 8;

const TITLES: &[&str] = &[
    "Cache candidate lists per region",
    "Add a kill switch for the new ranker",
    "Log impression drops with their reason",
    "Batch materializer writes",
    "Retry timed-out blends once",
    "Move the feature flags to the config service",
    "Serve the v2 blender to 5% of traffic",
    "Tighten the read timeout to 250 ms",
];

/// A deploy event the demo reports as CI would (`staging`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDeploy {
    /// Deterministic event id.
    pub event_id: String,
    /// The component.
    pub component: String,
    /// `owner/name`.
    pub repo: String,
    /// The deployed commit.
    pub sha: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// What the demo's history gives the other fakes and the store.
#[derive(Debug, Default)]
pub struct DemoHistory {
    /// The `staging` deploy events to record.
    pub deploys: Vec<DemoDeploy>,
    /// The merged pull requests, for the GraphQL fake's `is:merged` searches.
    pub merged: Vec<FakeMerged>,
}

/// Builds the history into `gh`. Runs `git`: call it on a blocking thread.
pub fn build(
    org: &DemoOrg,
    gh: &FakeGitHubRest,
    now: DateTime<Utc>,
) -> anyhow::Result<DemoHistory> {
    let day = now.timestamp() - now.timestamp() % 86_400;
    let start = day - 10 * 86_400;
    let members = org.teams.get(TEAM).cloned().unwrap_or_default();
    let mut events = Vec::new();
    let mut merged = Vec::new();
    let ago =
        |h: i64| (now - TimeDelta::hours(h)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut repo_index = 0;
    for (slug, team) in &org.repos {
        if team != TEAM {
            continue;
        }
        repo_index += 1;
        let git = GitRepo::create(slug, start)?;
        git.commit("Initial commit")?;
        let mut merges = Vec::new();
        for i in 0..MERGED {
            let number = 100 + i;
            let title = TITLES[(i as usize + slug.len()) % TITLES.len()];
            let sha = git.merge_pull(number, title)?;
            merges.push((number, title, sha));
        }
        if slug.ends_with("home-feed-service") {
            for (tag, at) in [("ios-v4.9.0", 1), ("ios-v4.10.0", 3), ("ios-v4.11.0", 5)] {
                git.tag(tag, &merges[at].2)?;
            }
        }
        gh.add_repo(slug, git);
        for (k, (number, title, sha)) in merges.iter().enumerate() {
            // The demo user merged the newest three of the first two repositories: their
            // card then shows a rollback, a change live everywhere and one not yet out.
            let author = if k >= 5 && repo_index <= 2 {
                DEMO_AUTHOR.to_string()
            } else {
                members
                    .get(k % members.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| DEMO_AUTHOR.into())
            };
            let merged_at = gh
                .with_git(slug, |g| g.info(sha).ok())
                .flatten()
                .and_then(|(_, t)| DateTime::from_timestamp(t, 0))
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            merged.push(FakeMerged {
                repo: slug.clone(),
                number: *number,
                title: (*title).to_string(),
                author: author.clone(),
                merged_at: merged_at.clone().unwrap_or_default(),
                merge_commit: sha.clone(),
            });
            let pull = RestPull {
                number: *number,
                title: (*title).to_string(),
                author,
                merge_commit: Some(sha.clone()),
                merged_at,
            };
            gh.add_pull(slug, pull);
        }
        // production: PR 2, then 4, then 5; 6 went out and was rolled back to 5.
        for (pr, state, hours) in [
            (2, "inactive", 120),
            (4, "inactive", 72),
            (5, "inactive", 30),
            (6, "inactive", 8),
            (5, "success", 5),
        ] {
            gh.deploy(slug, "production", &merges[pr].2, state, &ago(hours));
        }
        for component in org.components.get(slug).into_iter().flatten() {
            for (pr, hours) in [(5, 20), (7, 2)] {
                events.push(DemoDeploy {
                    event_id: format!("demo-{day}-{component}-{pr}"),
                    component: component.clone(),
                    repo: slug.clone(),
                    sha: merges[pr].2.clone(),
                    at: now - TimeDelta::hours(hours),
                });
            }
        }
    }
    Ok(DemoHistory {
        deploys: events,
        merged,
    })
}
