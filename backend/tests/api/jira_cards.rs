//! The Jira card's filters, on SQLite and PostgreSQL, with Jira played by the fake: rows of
//! links filter my open issues by status, priority and due date (combined, any case), from the issues
//! already cached (no further Jira call); an unknown filter is refused by name; the rendered
//! page hands the card its `?jira-issues=`; another person never sees my issues.

use trellis_fakes::jira::{FakeIssue, FakeJira};
use trellis_integrations::jira::JiraIntegration;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, card, get, proxy_app};

on_both!(the_jira_card_filters_by_status_and_priority);

const ANN: &str = "ann@acme.example";

fn issue(key: &str, assignee: &str, status: (&str, &'static str), priority: &str) -> FakeIssue {
    FakeIssue {
        key: key.into(),
        assignee: assignee.into(),
        summary: format!("Work on {key}"),
        status: (status.0.into(), status.1),
        priority: Some(priority.into()),
        due: None,
        issue_type: "Task".into(),
    }
}

async fn the_jira_card_filters_by_status_and_priority(backend: TestBackend) {
    let fake = FakeJira::new("bot@acme.example", "jira-token");
    fake.add_user(ANN, "acc-ann");
    fake.add_user("bob@acme.example", "acc-bob");
    let todo = ("To Do", "new");
    let day = |days: i64| {
        (chrono::Utc::now().date_naive() + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    fake.add_issues([
        FakeIssue {
            due: Some(day(-2)),
            ..issue("ADS-1", "acc-ann", todo, "High")
        },
        issue("ADS-2", "acc-ann", ("In Progress", "indeterminate"), "High"),
        FakeIssue {
            due: Some(day(1)),
            ..issue("ADS-3", "acc-ann", todo, "Low")
        },
        issue("PAY-1", "acc-bob", todo, "High"),
    ]);
    let (addr, _server) = trellis_fakes::serve(fake.router())
        .await
        .expect("fake Jira");
    let (app, _dir) = proxy_app(backend, |c| {
        c.integrations.jira = vec![JiraIntegration {
            base_url: format!("http://{addr}/"),
            email: "bot@acme.example".into(),
            token: "jira-token".into(),
        }];
    })
    .await;
    // An issue is listed when its link is (the card's text comes JSON-escaped, the page's not).
    let listed = |html: &str, k: &str| {
        html.contains(&format!("/browse/{k}\\\"")) || html.contains(&format!("/browse/{k}\""))
    };
    let has = |html: &str, keys: &[&str]| -> Vec<String> {
        ["ADS-1", "ADS-2", "ADS-3", "PAY-1"]
            .iter()
            .filter(|k| listed(html, k) != keys.contains(k))
            .map(|k| format!("{k}: listed {}", listed(html, k)))
            .collect()
    };

    let all = card(&app, "id=jira-issues", ANN).await;
    assert_eq!(
        has(&all, &["ADS-1", "ADS-2", "ADS-3"]),
        Vec::<String>::new(),
        "{all}"
    );
    assert!(all.contains("aria-label=\\\"Filter by status\\\""), "{all}");
    assert!(
        all.contains("href=\\\"/?jira-issues=status%3DTo%2BDo\\\""),
        "a link per status: {all}"
    );
    let calls = fake.calls();

    let todo = card(&app, "id=jira-issues&input=status%3DTo%2BDo", ANN).await;
    assert_eq!(
        has(&todo, &["ADS-1", "ADS-3"]),
        Vec::<String>::new(),
        "{todo}"
    );
    assert!(todo.contains("2 of 3 open match"), "{todo}");
    // Both filters at once, in another case; the priority row keeps the status.
    let both = card(
        &app,
        "id=jira-issues&input=status%3Dto%2Bdo%26priority%3DLOW",
        ANN,
    )
    .await;
    assert_eq!(has(&both, &["ADS-3"]), Vec::<String>::new(), "{both}");
    assert!(
        both.contains("href=\\\"/?jira-issues=status%3Dto%2Bdo%26priority%3DHigh\\\""),
        "{both}"
    );
    let none = card(&app, "id=jira-issues&input=priority%3DBlocker", ANN).await;
    assert!(
        none.contains("None of your 3 open issues matches."),
        "{none}"
    );
    // By due date: overdue, due soon (today to two days ahead), with the other filters.
    assert!(all.contains("aria-label=\\\"Filter by due\\\""), "{all}");
    let overdue = card(&app, "id=jira-issues&input=due%3Doverdue", ANN).await;
    assert_eq!(has(&overdue, &["ADS-1"]), Vec::<String>::new(), "{overdue}");
    let soon = card(
        &app,
        "id=jira-issues&input=due%3Dsoon%26status%3Dto%2Bdo",
        ANN,
    )
    .await;
    assert_eq!(has(&soon, &["ADS-3"]), Vec::<String>::new(), "{soon}");
    let nonsense = card(&app, "id=jira-issues&input=due%3Dtomorrow", ANN).await;
    assert!(nonsense.contains("not 'tomorrow'"), "{nonsense}");
    let bad = card(&app, "id=jira-issues&input=assignee%3Dbob", ANN).await;
    assert!(bad.contains("cannot filter by 'assignee'"), "{bad}");
    assert_eq!(
        has(&bad, &["ADS-1", "ADS-2", "ADS-3"]),
        Vec::<String>::new(),
        "{bad}"
    );
    assert_eq!(
        fake.calls(),
        calls,
        "filtering reads the cached issues, not Jira"
    );

    // The rendered page hands the card its filter.
    let page = call(&app, get("/?jira-issues=priority%3DLow"), ANN)
        .await
        .text();
    // (Overdue and due-soon issues are on the page's "needs attention" list too.)
    assert!(page.contains("1 of 3 open match"), "{page}");
    // Bob's card is his.
    let bob = card(
        &app,
        "id=jira-issues&input=status%3DTo%2BDo",
        "bob@acme.example",
    )
    .await;
    assert_eq!(has(&bob, &["PAY-1"]), Vec::<String>::new(), "{bob}");
}
