//! The home page's widgets through the HTTP API and the rendered page, on SQLite and
//! PostgreSQL, with GitHub played by the fake: each person gets their own pull requests, from
//! the identity (a `login` parameter changes nothing), a failing GitHub is a widget problem
//! and never an error status, and the calls show in `/metrics`.

use trellis_fakes::github::{FakeGitHub, FakePr};
use trellis_integrations::github::GitHubIntegration;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get, proxy_app};

on_both!(widgets_are_per_person_and_survive_a_failing_github);

fn pr(repo: &str, number: u32, title: &str, author: &str, requested: &[&str]) -> FakePr {
    FakePr {
        repo: repo.into(),
        number,
        title: title.into(),
        author: author.into(),
        open: true,
        draft: false,
        created_at: "2026-11-30T10:00:00Z".into(),
        updated_at: "2026-12-01T10:00:00Z".into(),
        review_decision: Some("REVIEW_REQUIRED"),
        mergeable: "MERGEABLE",
        rollup: Some("SUCCESS"),
        check_runs: vec![("SUCCESS", 3)],
        requested: requested.iter().map(|s| s.to_string()).collect(),
        requested_teams: vec![],
    }
}

async fn widgets_are_per_person_and_survive_a_failing_github(backend: TestBackend) {
    let fake = FakeGitHub::new("test-token");
    fake.add_prs([
        pr("acme/ranker", 1, "Tune the ranking model", "ann", &[]),
        pr("acme/ledger", 2, "Split the ledger writer", "bob", &["ann"]),
        pr("acme/ledger", 3, "Bob's private refactor", "bob", &["pat"]),
    ]);
    let (addr, _server) = trellis_fakes::serve(fake.router())
        .await
        .expect("fake GitHub");
    let (app, _dir) = proxy_app(backend, |c| {
        c.integrations.github = vec![GitHubIntegration {
            host: "github.com".into(),
            token: Some("test-token".into()),
            api_base_url: Some(format!("http://{addr}/api/v3")),
            apps: Vec::new(),
        }];
    })
    .await;
    let numbers = |v: &serde_json::Value, list: &str| -> Vec<u64> {
        let mut n: Vec<u64> = v["data"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["number"].as_u64())
            .collect();
        n.sort_unstable();
        n
    };
    let ann = call(&app, get("/api/home/pull-requests"), "ann@acme.example").await;
    assert_eq!(ann.status, 200, "{}", ann.text());
    let ann = ann.json();
    assert_eq!(ann["data"]["login"], "ann", "{ann}");
    assert_eq!(
        (numbers(&ann, "mine"), numbers(&ann, "review")),
        (vec![1], vec![2])
    );
    assert_eq!(ann["data"]["mine"][0]["checks"]["state"], "success");
    let spoof = call(
        &app,
        get("/api/home/pull-requests?login=bob"),
        "ann@acme.example",
    )
    .await;
    assert_eq!(
        spoof.json()["data"]["login"],
        "ann",
        "the person comes from the identity"
    );
    let bob = call(&app, get("/api/home/pull-requests"), "bob@acme.example")
        .await
        .json();
    assert_eq!(numbers(&bob, "mine"), vec![2, 3]);

    // The page streams the card in: ann's pull requests, not bob's private one.
    let page = call(&app, get("/"), "ann@acme.example").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("Needs attention") && html.contains("Pull requests"),
        "{html}"
    );
    assert!(html.contains("Tune the ranking model") && html.contains("Split the ledger writer"));
    assert!(
        !html.contains("Bob&#x27;s private refactor") && !html.contains("Bob's private refactor")
    );
    assert!(
        !html.contains("test-token"),
        "the token never reaches the browser"
    );

    // GitHub failing: cached data stays for those who have it; others get the problem, 200.
    fake.faults.set_error_rate(1.0);
    let pat = call(&app, get("/api/home/pull-requests"), "pat@acme.example").await;
    assert_eq!(pat.status, 200, "{}", pat.text());
    let pat = pat.json();
    assert_eq!(pat["problem"], "unavailable", "{pat}");
    assert!(
        pat["message"]
            .as_str()
            .is_some_and(|m| m.contains("GitHub")),
        "{pat}"
    );
    let ann = call(&app, get("/api/home/pull-requests"), "ann@acme.example")
        .await
        .json();
    assert_eq!(
        numbers(&ann, "mine"),
        vec![1],
        "fresh cached data is still served"
    );

    let metrics = call(&app, get("/metrics"), "root@acme.example")
        .await
        .text();
    assert!(metrics.contains("trellis_integration_requests_total{integration=\"GitHub\",operation=\"pull_requests\",outcome=\"success\"}"), "{metrics}");
    assert!(
        metrics.contains("trellis_integration_cache_total{integration=\"GitHub\",result=\"hit\"}"),
        "{metrics}"
    );
}
