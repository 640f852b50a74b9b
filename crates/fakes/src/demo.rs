//! Demo mode's upstreams: the fakes, started on loopback ports, with data made up for the demo
//! org (read from the demo catalog's YAML: its users and teams, and its components' GitHub
//! repositories and owners), the same on every start. `latency` and `error_rate` make them slow
//! or failing, to see what users see then.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::github::{FakeGitHub, FakePr};

/// The token the demo's fake GitHub accepts.
pub const GITHUB_TOKEN: &str = "demo-token";

/// The demo's running fakes.
#[derive(Debug)]
pub struct DemoUpstreams {
    /// The fake GitHub's REST base URL (its GraphQL endpoint is `/api/graphql` beside it).
    pub github_api_base: String,
    /// The fake GitHub.
    pub github: Arc<FakeGitHub>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DemoUpstreams {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What the demo catalog says about people and code.
#[derive(Debug, Default)]
pub struct DemoOrg {
    /// Team name -> member user names.
    pub teams: BTreeMap<String, Vec<String>>,
    /// `owner/repo` -> owning team name.
    pub repos: BTreeMap<String, String>,
}

/// Reads the users, groups and components of every `.yaml` file under `dir`.
pub fn read_org(dir: &Path) -> anyhow::Result<DemoOrg> {
    let mut org = DemoOrg::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = std::fs::read_to_string(&path)?;
                for doc in serde_yaml_ng::Deserializer::from_str(&text) {
                    let Ok(v) = <Value as serde::Deserialize>::deserialize(doc) else {
                        continue;
                    };
                    add(&mut org, &v);
                }
            }
        }
    }
    Ok(org)
}

fn short(r: &str) -> String {
    r.rsplit(['/', ':']).next().unwrap_or(r).to_string()
}

fn add(org: &mut DemoOrg, v: &Value) {
    let name = v["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    match v["kind"].as_str() {
        Some("User") => {
            for team in v["spec"]["memberOf"].as_array().into_iter().flatten() {
                if let Some(t) = team.as_str() {
                    org.teams.entry(short(t)).or_default().push(name.clone());
                }
            }
        }
        Some("Component") => {
            let slug = v["metadata"]["annotations"]["github.com/project-slug"].as_str();
            if let (Some(slug), Some(owner)) = (slug, v["spec"]["owner"].as_str()) {
                org.repos.insert(slug.to_string(), short(owner));
            }
        }
        _ => {}
    }
}

const TITLES: &[&str] = &[
    "Add retry budget to the upstream client",
    "Cut p99 of the read path by batching lookups",
    "Migrate config to the new schema",
    "Fix flaky integration test on slow CI runners",
    "Bump dependencies and drop the unused feature flags",
    "Emit per-tenant metrics for the ingest queue",
    "Remove the legacy v1 endpoint",
    "Shadow-read from the new store before the cutover",
    "Tune connection pool sizes for the holiday peak",
    "Document the on-call runbook for cache stampedes",
];
const DECISIONS: &[Option<&str>] = &[
    Some("REVIEW_REQUIRED"),
    Some("APPROVED"),
    Some("CHANGES_REQUESTED"),
    None,
];
/// A check rollup state and its check runs by state.
type Rollup = (Option<&'static str>, &'static [(&'static str, u32)]);
const ROLLUPS: &[Rollup] = &[
    (Some("SUCCESS"), &[("SUCCESS", 12)]),
    (Some("FAILURE"), &[("SUCCESS", 9), ("FAILURE", 2)]),
    (Some("PENDING"), &[("SUCCESS", 6), ("IN_PROGRESS", 3)]),
    (None, &[]),
];

/// Pull requests for the demo org: one to three per repository, by members of its team, asking
/// teammates (and sometimes the team) to review.
pub fn pull_requests(org: &DemoOrg, github_org: &str) -> Vec<FakePr> {
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for (repo, team) in &org.repos {
        let Some(members) = org.teams.get(team).filter(|m| m.len() >= 2) else {
            continue;
        };
        let mut rng = fastrand::Rng::with_seed(repo.bytes().map(u64::from).sum::<u64>() * 7919);
        for _ in 0..rng.u32(1..=3) {
            let author = members[rng.usize(..members.len())].clone();
            let others: Vec<String> = members.iter().filter(|m| **m != author).cloned().collect();
            let requested = vec![others[rng.usize(..others.len())].clone()];
            let (rollup, runs) = ROLLUPS[rng.usize(..ROLLUPS.len())];
            let updated = now - chrono::TimeDelta::minutes(i64::from(rng.u32(5..4000)));
            out.push(FakePr {
                repo: repo.clone(),
                number: 100 + rng.u32(0..900),
                title: TITLES[rng.usize(..TITLES.len())].into(),
                author,
                open: true,
                draft: rng.u8(0..6) == 0,
                created_at: (updated - chrono::TimeDelta::hours(i64::from(rng.u32(1..200))))
                    .to_rfc3339(),
                updated_at: updated.to_rfc3339(),
                review_decision: DECISIONS[rng.usize(..DECISIONS.len())],
                mergeable: if rng.u8(0..5) == 0 {
                    "CONFLICTING"
                } else {
                    "MERGEABLE"
                },
                rollup,
                check_runs: runs.to_vec(),
                requested,
                requested_teams: if rng.u8(0..4) == 0 {
                    vec![format!("{github_org}/{team}")]
                } else {
                    vec![]
                },
            });
        }
    }
    out
}

/// Starts the demo's fakes with data for the catalog under `catalog_dir`.
pub async fn start(
    catalog_dir: &Path,
    latency: Duration,
    error_rate: f64,
) -> anyhow::Result<DemoUpstreams> {
    let org = read_org(catalog_dir)?;
    let github_org = org
        .repos
        .keys()
        .next()
        .and_then(|r| r.split('/').next())
        .unwrap_or("acme")
        .to_string();
    let github = FakeGitHub::new(GITHUB_TOKEN);
    for (team, members) in &org.teams {
        github.set_team(&format!("{github_org}/{team}"), members.clone());
    }
    github.add_prs(pull_requests(&org, &github_org));
    github.faults.set_latency(latency);
    github.faults.set_error_rate(error_rate);
    let (addr, task) = crate::serve(github.router()).await?;
    Ok(DemoUpstreams {
        github_api_base: format!("http://{addr}/api/v3"),
        github,
        task,
    })
}
