//! Made-up pull requests and Jira issues for the demo org, the same on every start.

use crate::github::FakePr;

use super::DemoOrg;

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
