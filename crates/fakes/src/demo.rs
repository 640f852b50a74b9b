//! Demo mode's upstreams: the fakes, started on a loopback port, with data made up for the demo
//! org (read from the demo catalog's YAML: its users, e-mails and teams, its components' GitHub
//! repositories and owners, its Jira project keys), the same on every start. `latency` and `error_rate` make them slow
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
    /// The fake Jira's site URL.
    pub jira_base: String,
    /// The fake GitHub.
    pub github: Arc<FakeGitHub>,
    /// The fake Jira (it accepts [`JIRA_EMAIL`] with [`GITHUB_TOKEN`]).
    pub jira: Arc<crate::jira::FakeJira>,
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
    /// User name -> e-mail.
    pub emails: BTreeMap<String, String>,
    /// Jira project keys (`jira/project-key` annotations).
    pub projects: std::collections::BTreeSet<String>,
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
    if let Some(key) = v["metadata"]["annotations"]["jira/project-key"].as_str() {
        org.projects.insert(key.to_string());
    }
    match v["kind"].as_str() {
        Some("User") => {
            if let Some(email) = v["spec"]["profile"]["email"].as_str() {
                org.emails.insert(name.clone(), email.to_string());
            }
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

const ISSUES: &[&str] = &[
    "Alert on consumer lag above five minutes",
    "Write the postmortem for last week's outage",
    "Rotate the service's database credentials",
    "Upgrade the base image to the new LTS",
    "Add a runbook link to every paging alert",
    "Review the quarterly capacity plan",
    "Remove the deprecated feature flag",
    "Investigate slow cold starts in staging",
];
const STATUSES: &[(&str, &str)] = &[
    ("To Do", "new"),
    ("In Progress", "indeterminate"),
    ("In Review", "indeterminate"),
];
const PRIORITIES: &[&str] = &["Highest", "High", "Medium", "Low"];

/// Jira issues for the demo org: up to four open ones per person with an e-mail, in the
/// catalog's projects, some overdue or due soon. Returns (e-mail, account id) pairs too.
pub fn jira_issues(org: &DemoOrg) -> (Vec<(String, String)>, Vec<crate::jira::FakeIssue>) {
    let projects: Vec<&String> = org.projects.iter().collect();
    let today = chrono::Utc::now().date_naive();
    let mut users = Vec::new();
    let mut issues = Vec::new();
    if projects.is_empty() {
        return (users, issues);
    }
    let mut number = 100;
    for (name, email) in &org.emails {
        let account = format!("5b10ac8d82e05b22cc7d{:04x}", users.len());
        users.push((email.clone(), account.clone()));
        let mut rng = fastrand::Rng::with_seed(name.bytes().map(u64::from).sum::<u64>() * 104_729);
        for _ in 0..rng.u32(0..=4) {
            number += 1;
            let project = projects[rng.usize(..projects.len())];
            let (status, category) = STATUSES[rng.usize(..STATUSES.len())];
            let due = (rng.u8(0..3) > 0).then(|| {
                (today + chrono::TimeDelta::days(rng.i64(-4..21)))
                    .format("%Y-%m-%d")
                    .to_string()
            });
            issues.push(crate::jira::FakeIssue {
                key: format!("{project}-{number}"),
                assignee: account.clone(),
                summary: ISSUES[rng.usize(..ISSUES.len())].into(),
                status: (status.into(), category),
                priority: Some(PRIORITIES[rng.usize(..PRIORITIES.len())].into()),
                due,
                issue_type: if rng.u8(0..4) == 0 {
                    "Bug".into()
                } else {
                    "Task".into()
                },
            });
        }
    }
    (users, issues)
}

/// The account the demo's fake Jira accepts.
pub const JIRA_EMAIL: &str = "trellis@acme.example";

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
    let jira = crate::jira::FakeJira::new(JIRA_EMAIL, GITHUB_TOKEN);
    let (users, issues) = jira_issues(&org);
    for (email, account) in &users {
        jira.add_user(email, account);
    }
    jira.add_issues(issues);
    jira.faults.set_latency(latency);
    jira.faults.set_error_rate(error_rate);
    // One loopback server for both fakes: their paths do not overlap.
    let (addr, task) = crate::serve(github.router().merge(jira.router())).await?;
    Ok(DemoUpstreams {
        github_api_base: format!("http://{addr}/api/v3"),
        jira_base: format!("http://{addr}"),
        github,
        jira,
        task,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_org_gives_every_fake_its_data() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/catalog");
        let org = read_org(&dir).expect("the demo catalog reads");
        assert!(org
            .teams
            .get("team-home-feed")
            .is_some_and(|m| m.iter().any(|u| u == "demo.user")));
        assert_eq!(
            org.emails.get("demo.user").map(String::as_str),
            Some("demo.user@acme.example")
        );
        assert!(org.projects.contains("ADS"), "{:?}", org.projects);
        assert!(!pull_requests(&org, "acme-pins").is_empty());
        let (users, issues) = jira_issues(&org);
        assert_eq!(users.len(), org.emails.len());
        assert!(issues.iter().any(|i| i.due.is_some()) && !issues.is_empty());
    }
}
