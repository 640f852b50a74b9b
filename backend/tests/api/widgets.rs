//! The widget SDK end to end, on SQLite and PostgreSQL: a plugin's widget (the example
//! vendor-status plugin, its Statuspage played by the fake) registered with one line is listed
//! at `/api/home/widgets`, answers its data at `/api/home/widgets/{id}`, renders its card
//! through the page's server function, and reports its upstream in `/metrics`; an unknown
//! widget is a 404 naming it.

use axum::body::Body;
use axum::http::Request;
use trellis_fakes::statuspage::FakeStatuspage;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, card, get, proxy_app};

on_both!(a_plugins_widget_is_listed_answers_and_renders);

const ANN: &str = "ann@acme.example";

async fn a_plugins_widget_is_listed_answers_and_renders(backend: TestBackend) {
    let fake = FakeStatuspage::new();
    fake.set_page(
        "github",
        "GitHub",
        &[("Actions", "major_outage"), ("API Requests", "operational")],
        &[("Actions runs are <b>queued</b>", "major")],
    );
    let (addr, _server) = trellis_fakes::serve(fake.router()).await.expect("fake");
    let page = format!("http://{addr}/status/github/");
    let (app, _dir) = proxy_app(backend, |c| {
        c.plugins.insert(
            "vendorStatus".into(),
            serde_json::json!({ "pages": [page] }),
        );
    })
    .await;

    let list = call(&app, get("/api/home/widgets"), ANN).await;
    assert_eq!(list.status, 200, "{}", list.text());
    let ids: Vec<String> = list
        .json()
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|w| w["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        ids,
        [
            "attention",
            "pull-requests",
            "jira-issues",
            "personal",
            "vendor-status"
        ]
    );

    let data = call(&app, get("/api/home/widgets/vendor-status"), ANN).await;
    assert_eq!(data.status, 200, "{}", data.text());
    let data = data.json();
    assert_eq!(data["data"][0]["page"]["name"], "GitHub", "{data}");
    assert_eq!(data["data"][0]["status"]["indicator"], "major", "{data}");
    assert_eq!(data["stale"], false);

    let request = Request::post("/_sf/home/card")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("id=vendor-status"))
        .expect("request");
    let card = call(&app, request, ANN).await;
    assert_eq!(card.status, 200, "{}", card.text());
    let html = card.text();
    assert!(html.contains("settled\\n"), "{html}");
    assert!(html.contains("Actions: major outage"), "{html}");
    assert!(
        html.contains("&lt;b&gt;queued&lt;/b&gt;") && !html.contains("<b>queued"),
        "text from the upstream is escaped: {html}"
    );

    for id in ["nope", "%3Cscript%3E", "vendor-status%2F..%2Fattention"] {
        let missing = call(&app, get(&format!("/api/home/widgets/{id}")), ANN).await;
        assert_eq!(missing.status, 404, "{id}: {}", missing.text());
        assert!(missing.text().contains("no widget"), "{}", missing.text());
    }
    let anonymous = app.get("/api/home/widgets/vendor-status").await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text());

    let metrics = call(&app, get("/metrics"), ANN).await.text();
    assert!(
        metrics.contains("trellis_integration_requests_total{integration=\"Vendor status\",operation=\"summary\",outcome=\"success\"} 1"),
        "one upstream call served the data and the card: {metrics}"
    );
    assert!(
        metrics.contains("trellis_integration_circuit_state{integration=\"Vendor status\"} 0"),
        "{metrics}"
    );
}

on_both!(pagerduty_shows_my_shifts_and_my_teams_incidents);

const SERVICES: &str = r#"
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: search-api, annotations: {pagerduty.com/service-id: PSRANK}}
spec: {type: service, lifecycle: production, owner: group:search-ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: billing, annotations: {pagerduty.com/service-id: PSLEDG}}
spec: {type: service, lifecycle: production, owner: group:payments}
"#;

async fn pagerduty_shows_my_shifts_and_my_teams_incidents(backend: TestBackend) {
    use chrono::{Duration, Utc};
    use trellis_fakes::pagerduty::{FakeIncident, FakePagerDuty, FakeShift, FakeUser};
    let fake = FakePagerDuty::new("pd-key");
    let incident = |number, service: &str, assignee: &str| FakeIncident {
        number,
        title: format!("Incident {number}"),
        status: "triggered".into(),
        urgency: "high".into(),
        service: (service.into(), service.to_lowercase()),
        created_at: Utc::now() - Duration::minutes(5),
        assignees: vec![assignee.into()],
    };
    let now = Utc::now();
    fake.add(
        vec![FakeUser {
            id: "PANN".into(),
            name: "Ann Ranker".into(),
            email: "ann@acme.example".into(),
        }],
        vec![FakeShift {
            user: "PANN".into(),
            policy: ("PE1".into(), "Search escalation".into()),
            level: 1,
            schedule: Some("Search weekly".into()),
            window: Some((now - Duration::hours(2), now + Duration::hours(5))),
        }],
        vec![incident(7, "PSRANK", "PANN"), incident(8, "PSLEDG", "PBOB")],
    );
    let (addr, _server) = trellis_fakes::serve(fake.router()).await.expect("fake");
    let dir = tempfile::tempdir().expect("dir");
    let services = dir.path().join("services.yaml");
    std::fs::write(&services, SERVICES).expect("write");
    let (app, _org) = proxy_app(backend, |c| {
        c.pager_duty.api_base_url = Some(format!("http://{addr}"));
        c.pager_duty.api_token = Some("pd-key".into());
        c.catalog
            .locations
            .push(trellis_catalog::LocationSpec::file(
                services.display().to_string(),
            ));
    })
    .await;
    let ann = call(&app, get("/api/home/widgets/pagerduty"), ANN)
        .await
        .json();
    assert_eq!(ann["data"]["user"]["id"], "PANN", "{ann}");
    assert_eq!(ann["data"]["onCall"][0]["now"], true, "{ann}");
    assert_eq!(ann["data"]["services"], 1, "{ann}");
    let numbers: Vec<u64> = ann["data"]["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .filter_map(|i| i["number"].as_u64())
        .collect();
    assert_eq!(numbers, [7], "only her teams' services: {ann}");
    let bob = call(&app, get("/api/home/widgets/pagerduty"), "bob@acme.example")
        .await
        .json();
    assert!(
        bob["data"]["user"].is_null(),
        "PagerDuty has no user for bob: {bob}"
    );
    assert_eq!(bob["data"]["incidents"][0]["number"], 8, "{bob}");

    let attention = card(&app, "id=attention", ANN).await;
    assert!(
        attention.contains("Paged") && attention.contains("Incident 7"),
        "{attention}"
    );
    let pager = card(&app, "id=pagerduty", ANN).await;
    assert!(
        pager.contains("You are on call now.") && pager.contains("ends in"),
        "{pager}"
    );
    assert!(!pager.contains("pd-key"), "the key never reaches the page");
}
