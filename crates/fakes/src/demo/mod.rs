//! Demo mode's upstreams: the fakes, started on a loopback port, with data made up for the demo
//! org ([`org`]: read from the demo catalog's YAML), the same on every start: pull requests and
//! Jira issues ([`data`]), PagerDuty rotations and incidents ([`pagerduty`]), two vendor status
//! pages. `latency` and `error_rate` make them slow or failing, to see what users see then.

pub mod commits;
pub mod dashboards;
mod data;
mod org;
pub mod pagerduty;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use data::{jira_issues, pull_requests};
pub use org::{read_org, DemoOrg};

use crate::github::FakeGitHub;
use crate::statuspage::FakeStatuspage;

/// The token the demo's fake Jira, PagerDuty and Grafana accept (the fake GitHub too, but the
/// demo reaches it as a GitHub App: [`DEMO_APP_ID`]).
pub const DEMO_TOKEN: &str = "demo-token";

/// The demo's GitHub App (signed with [`crate::github_app::TEST_PRIVATE_KEY`]), installed on
/// every account owning a demo repository.
pub const DEMO_APP_ID: u64 = 1_000_001;

/// The demo's running fakes.
#[derive(Debug)]
pub struct DemoUpstreams {
    /// The fake GitHub's REST base URL (its GraphQL endpoint is `/api/graphql` beside it).
    pub github_api_base: String,
    /// The fake Jira's site URL.
    pub jira_base: String,
    /// The fake GitHub.
    pub github: Arc<FakeGitHub>,
    /// The demo's GitHub App ([`DEMO_APP_ID`]), which issues the installation tokens.
    pub github_app: Arc<crate::github_app::FakeGitHubApp>,
    /// The fake GitHub REST API ("find any commit"), over real git repositories.
    pub github_rest: Arc<crate::github_rest::FakeGitHubRest>,
    /// The `staging` deploy events CI would have posted (record them once the store is up).
    pub deploys: Vec<commits::DemoDeploy>,
    /// The fake Jira (it accepts [`JIRA_EMAIL`] with [`DEMO_TOKEN`]).
    pub jira: Arc<crate::jira::FakeJira>,
    /// The fake PagerDuty's REST base URL (`pagerDuty.apiBaseUrl`).
    pub pagerduty_base: String,
    /// The fake PagerDuty identity service's token URL (`pagerDuty.oauth.tokenUrl`): demo mode
    /// signs in to PagerDuty with scoped OAuth, as [`PAGERDUTY_CLIENT_ID`] of account `acme`.
    pub pagerduty_token_url: String,
    /// The fake Grafana's address (`grafana.domain`).
    pub grafana_base: String,
    /// The fake Grafana.
    pub grafana: Arc<crate::grafana::FakeGrafana>,
    /// The fake PagerDuty (it accepts [`DEMO_TOKEN`]).
    pub pagerduty: Arc<crate::pagerduty::FakePagerDuty>,
    /// Base URLs of the vendor status pages (Statuspage's `baseUrl`).
    pub status_pages: Vec<String>,
    /// The fake status pages.
    pub status: Arc<FakeStatuspage>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DemoUpstreams {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The demo's PagerDuty OAuth app (its secret is [`DEMO_TOKEN`]), on account `acme` (`us`).
pub const PAGERDUTY_CLIENT_ID: &str = "trellis-demo-app";

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
    let github = FakeGitHub::new(DEMO_TOKEN);
    for (team, members) in &org.teams {
        github.set_team(&format!("{github_org}/{team}"), members.clone());
    }
    github.add_prs(pull_requests(&org, &github_org));
    let mut owners: Vec<&str> = org
        .repos
        .keys()
        .filter_map(|r| r.split('/').next())
        .collect();
    owners.push(&github_org);
    owners.sort_unstable();
    owners.dedup();
    let installations: Vec<(u64, &str)> = (1..).zip(owners).collect();
    let app = crate::github_app::FakeGitHubApp::new(DEMO_APP_ID, &installations);
    github.accept_app(app.clone());
    github.faults.set_latency(latency);
    github.faults.set_error_rate(error_rate);
    let jira = crate::jira::FakeJira::new(JIRA_EMAIL, DEMO_TOKEN);
    let (users, issues) = jira_issues(&org);
    for (email, account) in &users {
        jira.add_user(email, account);
    }
    jira.add_issues(issues);
    jira.faults.set_latency(latency);
    jira.faults.set_error_rate(error_rate);
    let pager = pagerduty::fake(&org);
    let pager_app = crate::pagerduty_oauth::FakePagerDutyApp::new(
        PAGERDUTY_CLIENT_ID,
        DEMO_TOKEN,
        "us",
        "acme",
        &[
            "incidents.read",
            "oncalls.read",
            "users.read",
            "services.read",
        ],
    );
    pager.accept_oauth(pager_app.clone());
    pager.faults.set_latency(latency);
    pager.faults.set_error_rate(error_rate);
    let rest = crate::github_rest::FakeGitHubRest::new(DEMO_TOKEN);
    let history = {
        let (org, rest) = (org.clone(), rest.clone());
        tokio::task::spawn_blocking(move || commits::build(&org, &rest, chrono::Utc::now())).await?
    };
    // Without git the demo still runs; find any commit then says GitHub knows no commit.
    let history = history.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the demo's git history could not be built");
        commits::DemoHistory::default()
    });
    github.add_merged(history.merged);
    let deploys = history.deploys;
    rest.accept_app(app.clone());
    rest.faults.set_latency(latency);
    rest.faults.set_error_rate(error_rate);
    let grafana = crate::grafana::FakeGrafana::new(DEMO_TOKEN);
    grafana.add(dashboards::dashboards(&org));
    grafana.faults.set_latency(latency);
    grafana.faults.set_error_rate(error_rate);
    let status = FakeStatuspage::demo();
    status.faults.set_latency(latency);
    status.faults.set_error_rate(error_rate);
    // One loopback server for all the fakes: their paths do not overlap.
    let routes = github
        .router()
        .merge(jira.router())
        .merge(status.router())
        .nest("/api/v3", rest.router().merge(app.router()))
        .nest("/pagerduty", pager.router())
        .nest("/pagerduty-identity", pager_app.router())
        .nest("/grafana", grafana.router());
    let (addr, task) = crate::serve(routes).await?;
    Ok(DemoUpstreams {
        github_api_base: format!("http://{addr}/api/v3"),
        jira_base: format!("http://{addr}"),
        status_pages: ["github", "atlassian"]
            .map(|p| format!("http://{addr}/status/{p}"))
            .to_vec(),
        pagerduty_base: format!("http://{addr}/pagerduty"),
        pagerduty_token_url: format!("http://{addr}/pagerduty-identity/oauth/token"),
        grafana_base: format!("http://{addr}/grafana"),
        grafana,
        github,
        github_app: app,
        github_rest: rest,
        deploys,
        jira,
        pagerduty: pager,
        status,
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
