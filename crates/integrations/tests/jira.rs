//! The Jira client through real HTTP against the fake Jira (`trellis-fakes`): the person found
//! by e-mail, every page read through `nextPageToken` with the fields asked explicitly, due
//! dates in days, nobody else's issues, unknown people, bad credentials and rate limits.

use std::sync::Arc;

use trellis_fakes::jira::{FakeIssue, FakeJira};
use trellis_integrations::jira::{JiraApi, JiraClient, JiraIntegration};
use trellis_integrations::{
    CachePolicy, Integrations, Metrics, Upstream, UpstreamError, UpstreamOptions,
};
use trellis_shared::views::home::WidgetProblem;

fn issue(key: &str, assignee: &str, due: Option<String>, done: bool) -> FakeIssue {
    FakeIssue {
        key: key.into(),
        assignee: assignee.into(),
        summary: format!("Work on {key}"),
        status: if done {
            ("Done".into(), "done")
        } else {
            ("In Progress".into(), "indeterminate")
        },
        priority: Some("High".into()),
        due,
        issue_type: "Task".into(),
    }
}

async fn setup(token: &str) -> (Arc<FakeJira>, JiraClient, tokio::task::JoinHandle<()>) {
    let fake = FakeJira::new("bot@acme.example", "jira-token");
    fake.add_user("ann@acme.example", "acc-ann");
    fake.add_user("bob@acme.example", "acc-bob");
    let today = chrono::Utc::now().date_naive();
    let day = |n: i64| {
        Some(
            (today + chrono::TimeDelta::days(n))
                .format("%Y-%m-%d")
                .to_string(),
        )
    };
    fake.add_issues((0..120).map(|n| {
        issue(
            &format!("ADS-{n}"),
            "acc-ann",
            if n < 3 { day(n - 1) } else { None },
            false,
        )
    }));
    fake.add_issues([
        issue("ADS-500", "acc-ann", None, true),
        issue("PAY-1", "acc-bob", day(5), false),
    ]);
    let (addr, server) = trellis_fakes::serve(fake.router())
        .await
        .expect("fake Jira");
    let config = JiraIntegration {
        base_url: format!("http://{addr}/"),
        email: "bot@acme.example".into(),
        token: token.into(),
    };
    let upstream = Arc::new(
        Upstream::new("Jira", UpstreamOptions::default(), Metrics::default()).expect("upstream"),
    );
    (fake, JiraClient::new(&config, upstream), server)
}

#[tokio::test]
async fn reads_every_page_of_my_open_issues() {
    let (fake, client, _server) = setup("jira-token").await;
    let ann = client
        .my_issues("Ann@acme.example".into())
        .await
        .expect("ann's issues");
    assert_eq!(ann.account_id, "acc-ann");
    assert_eq!(
        ann.issues.len(),
        120,
        "three pages of 50, 50 and 20; done issues left out"
    );
    assert!(!ann.more);
    assert_eq!(
        fake.calls(),
        1 + 3,
        "one user search, then one request per page"
    );
    let first = &ann.issues[0];
    assert_eq!(
        (first.key.as_str(), first.due_in_days),
        ("ADS-0", Some(-1)),
        "soonest due first"
    );
    assert_eq!(first.status, "In Progress");
    assert_eq!(first.status_category, "indeterminate");
    assert_eq!(first.priority.as_deref(), Some("High"));
    assert_eq!(first.project, "ADS");
    assert!(first.url.ends_with("/browse/ADS-0"), "{}", first.url);
    assert_eq!(ann.issues[2].due_in_days, Some(1));
    assert!(ann
        .issues
        .iter()
        .all(|i| i.key != "PAY-1" && i.key != "ADS-500"));
    let bob = client
        .my_issues("bob@acme.example".into())
        .await
        .expect("bob");
    assert_eq!(
        bob.issues
            .iter()
            .map(|i| i.key.as_str())
            .collect::<Vec<_>>(),
        vec!["PAY-1"]
    );
}

#[tokio::test]
async fn unknown_people_bad_credentials_and_limits_are_named() {
    let (fake, client, _server) = setup("jira-token").await;
    let e = client
        .my_issues("nobody@acme.example".into())
        .await
        .expect_err("no account");
    assert!(matches!(e, UpstreamError::UnknownPerson(_)), "{e}");
    fake.faults.set_rate_limited(true);
    let e = client
        .my_issues("ann@acme.example".into())
        .await
        .expect_err("limited");
    assert!(
        matches!(e, UpstreamError::RateLimited { retry_after, .. } if retry_after.as_secs() == 30),
        "{e}"
    );
    let (_fake, wrong, _server) = setup("wrong").await;
    let e = wrong
        .my_issues("ann@acme.example".into())
        .await
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "Jira answered 401: Client must be authenticated to access this resource."
    );
}

#[tokio::test]
async fn the_widget_needs_an_email_and_is_cached_per_person() {
    let (fake, client, _server) = setup("jira-token").await;
    let jira: Arc<dyn JiraApi> = Arc::new(client);
    let integrations = Integrations::with_clients(None, CachePolicy::default(), Metrics::default())
        .with_jira(Some(jira));
    let w = integrations
        .jira_issues(Some("ann@acme.example".into()))
        .await;
    assert_eq!(w.data.map(|d| d.issues.len()), Some(120));
    let calls = fake.calls();
    integrations
        .jira_issues(Some("ANN@acme.example".into()))
        .await;
    assert_eq!(fake.calls(), calls, "fresh: no upstream call");
    let none = integrations.jira_issues(None).await;
    assert_eq!(none.problem, Some(WidgetProblem::UnknownPerson));
    let off = Integrations::with_clients(None, CachePolicy::default(), Metrics::default());
    assert_eq!(
        off.jira_issues(Some("ann@acme.example".into()))
            .await
            .problem,
        Some(WidgetProblem::NotConfigured)
    );
}

#[tokio::test]
async fn an_account_id_that_would_rewrite_the_jql_is_refused() {
    let (fake, client, _server) = setup("jira-token").await;
    // A Jira (or something posing as one) answering a user search with an id made to widen
    // the JQL: it must never reach the search.
    fake.add_user(
        "eve@acme.example",
        "x\" OR assignee IS NOT EMPTY OR assignee = \"y",
    );
    let before = fake.calls();
    let e = client
        .my_issues("eve@acme.example".into())
        .await
        .expect_err("refused");
    assert!(matches!(e, UpstreamError::Decode { .. }), "{e}");
    assert!(e.to_string().contains("is not an account id"), "{e}");
    assert_eq!(
        fake.calls() - before,
        1,
        "only the user search was sent, no search"
    );
}
