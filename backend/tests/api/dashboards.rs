//! Dashboards end to end, on SQLite and PostgreSQL, with Grafana played by the fake and a real
//! Prometheus holding known samples: my teams' dashboards from the entities' selectors (never
//! another team's), a dashboard's charts with the values Prometheus has, views recorded per
//! person through "open", the drawer in the card, every bad input named, and a failing
//! Grafana or Prometheus shown in place rather than as an error.

use serde_json::json;
use trellis_fakes::grafana::{FakeDashboard, FakeGrafana};
use trellis_test_kit::{on_both, Prometheus, TestBackend};

use crate::auth::{call, card, get, proxy_app};
use crate::common::TestApp;

on_both!(
    my_dashboards_charts_and_views,
    failing_upstreams_show_in_place
);

const ANN: &str = "ann@acme.example";
const BOB: &str = "bob@acme.example";

const COMPONENTS: &str = r#"
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ranker-api
  annotations: {grafana/dashboard-selector: "tags @> 'service:ranker' && tags @> 'overview'"}
spec: {type: service, lifecycle: production, owner: group:search-ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ranker-worker
  annotations: {grafana/tag: "service:ranker"}
spec: {type: service, lifecycle: production, owner: group:search-ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ranker-odd
  annotations: {grafana/dashboard-selector: "title == 'Ranker'"}
spec: {type: service, lifecycle: production, owner: group:search-ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  annotations: {grafana/tag: "service:payments"}
spec: {type: service, lifecycle: production, owner: group:payments}
"#;

fn fake() -> std::sync::Arc<FakeGrafana> {
    let g = FakeGrafana::new("glsa-test");
    let dash = |uid: &str, title: &str, tags: &[&str]| FakeDashboard {
        folder: Some("Search".into()),
        model: json!({"uid": uid, "title": title, "tags": tags,
        "templating": {"list": [{"name": "job", "current": {"value": "a"}}]},
        "panels": [
            {"type": "timeseries", "title": "Requests", "fieldConfig": {"defaults": {"unit": "reqps"}},
             "targets": [{"expr": "demo_rps{job=\"$job\"}", "legendFormat": "job {{job}}"}]},
            {"type": "text", "title": "Runbook"}
        ]}),
    };
    g.add([
        dash("ranker-api", "Ranker API", &["service:ranker", "overview"]),
        dash("ranker-slo", "Ranker SLO", &["service:ranker", "slo"]),
        dash("payments", "Payments", &["service:payments"]),
    ]);
    g
}

/// `demo_rps{job="a"}` every minute for the last four hours: 0, 1, ... 9, 0, ...
fn samples() -> String {
    let start = chrono::Utc::now().timestamp() / 60 * 60 - 4 * 3600;
    let mut out = String::from("# TYPE demo_rps gauge\n");
    for i in 0..235 {
        out.push_str(&format!(
            "demo_rps{{job=\"a\"}} {} {}\n",
            i % 10,
            start + i * 60
        ));
    }
    out + "# EOF\n"
}

struct Setup {
    app: TestApp,
    grafana: std::sync::Arc<FakeGrafana>,
    base: String,
    _guards: (
        tokio::task::JoinHandle<()>,
        tempfile::TempDir,
        tempfile::TempDir,
    ),
}

async fn setup(backend: TestBackend, prometheus: Option<String>) -> Setup {
    let grafana = fake();
    let (addr, server) = trellis_fakes::serve(grafana.router()).await.expect("fake");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("components.yaml");
    std::fs::write(&file, COMPONENTS).expect("write");
    let base = format!("http://{addr}");
    let domain = base.clone();
    let (app, org) = proxy_app(backend, |c| {
        c.catalog
            .locations
            .push(trellis_catalog::LocationSpec::file(
                file.display().to_string(),
            ));
        c.grafana.domain = Some(domain);
        c.grafana.token = Some("glsa-test".into());
        c.prometheus.base_url = prometheus;
    })
    .await;
    Setup {
        app,
        grafana,
        base,
        _guards: (server, dir, org),
    }
}

/// The card's HTML (the server function answers it as a JSON string).
async fn card_html(app: &TestApp, form: &str, email: &str) -> String {
    let raw = card(app, form, email).await;
    serde_json::from_str(&raw).unwrap_or(raw)
}

async fn json_as(app: &TestApp, path: &str, email: &str) -> (u16, serde_json::Value) {
    let r = call(app, get(path), email).await;
    let body = serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
    (r.status.as_u16(), body)
}

async fn my_dashboards_charts_and_views(backend: TestBackend) {
    let prometheus = Prometheus::start(&samples());
    let s = setup(backend, Some(prometheus.url())).await;
    let app = &s.app;
    // Ann's teams own the ranker: its two dashboards, with the entities selecting them.
    let (status, mine) = json_as(app, "/api/dashboards", ANN).await;
    assert_eq!(status, 200, "{mine}");
    let owned = &mine["data"]["owned"];
    let titles: Vec<&str> = owned
        .as_array()
        .expect("owned")
        .iter()
        .filter_map(|o| o["dashboard"]["title"].as_str())
        .collect();
    assert_eq!(titles, ["Ranker API", "Ranker SLO"], "{mine}");
    assert_eq!(
        owned[0]["entities"],
        json!([
            "component:default/ranker-api",
            "component:default/ranker-worker"
        ])
    );
    assert_eq!(
        owned[1]["entities"],
        json!(["component:default/ranker-worker"])
    );
    let problems = mine["data"]["problems"].to_string();
    assert!(
        problems.contains("ranker-odd") && problems.contains("must name a tag"),
        "{problems}"
    );
    // Bob's team owns payments only.
    let (_, his) = json_as(app, "/api/dashboards", BOB).await;
    assert_eq!(
        his["data"]["owned"][0]["dashboard"]["uid"], "payments",
        "{his}"
    );
    assert_eq!(his["data"]["owned"].as_array().map(Vec::len), Some(1));

    // The charts: Prometheus's values for the dashboard's query, its variable filled in.
    let (status, charts) = json_as(app, "/api/dashboards/ranker-api/charts?range=6h", ANN).await;
    assert_eq!(status, 200, "{charts}");
    assert_eq!(charts["step"], 60);
    let chart = &charts["charts"][0];
    assert_eq!(
        (chart["title"].as_str(), chart["unit"].as_str()),
        (Some("Requests"), Some("reqps"))
    );
    let series = &chart["series"][0];
    assert_eq!(series["name"], "job a");
    let values: Vec<f64> = series["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    assert!(
        values.len() > 200 && values.iter().all(|v| (0.0..=9.0).contains(v)),
        "{values:?}"
    );
    assert!(values.contains(&9.0));
    assert_eq!(
        charts["skipped"],
        json!(["Runbook: a text panel; open it in Grafana"])
    );
    let (_, day) = json_as(
        app,
        "/api/dashboards/ranker-api/charts?range=7d&width=4000",
        ANN,
    )
    .await;
    assert_eq!(day["step"], 600, "{day}");

    // Bad input, named; nothing sent to Grafana for a bad uid.
    let calls = s.grafana.calls();
    for (path, says) in [
        ("/api/dashboards/ranker-api/charts?range=2y", "range"),
        ("/api/dashboards/ranker-api/charts?width=10", "width"),
        ("/api/dashboards/ranker-api/charts?width=1e9", "width"),
        ("/api/dashboards/ranker-api/charts?step=1", "step"),
        ("/api/dashboards/..%2F..%2Fapi%2Fadmin/charts", "uid"),
        ("/api/dashboards/..%2F..%2Fapi%2Fadmin/open", "uid"),
        (&format!("/api/dashboards/{}/charts", "a".repeat(41)), "uid"),
    ] {
        let (status, body) = json_as(app, path, ANN).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(says),
            "{path}: {body}"
        );
    }
    assert_eq!(s.grafana.calls(), calls, "bad uids never reach Grafana");
    let (status, body) = json_as(app, "/api/dashboards/nope/charts", ANN).await;
    assert_eq!(status, 404, "{body}");

    // Opening records the view, for Ann only, and sends her to Grafana's own address.
    let r = call(app, get("/api/dashboards/ranker-slo/open"), ANN).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some(format!("{}/d/ranker-slo/ranker-slo", s.base).as_str())
    );
    let (_, mine) = json_as(app, "/api/dashboards", ANN).await;
    assert_eq!(
        mine["data"]["recent"][0]["dashboard"]["uid"], "ranker-slo",
        "{mine}"
    );
    let (_, his) = json_as(app, "/api/dashboards", BOB).await;
    assert_eq!(his["data"]["recent"], json!([]), "{his}");

    // The card with the drawer: its charts drawn, the range marked, the view recorded.
    let html = card_html(app, "id=dashboards&input=ranker-api+1h", ANN).await;
    let short: String = html.chars().take(600).collect();
    assert!(html.contains("id=\"dashboard-drawer\""), "{short}");
    assert!(
        html.contains("<polyline") && html.contains("job a"),
        "{short}"
    );
    assert!(
        html.contains("+1h#dashboard-drawer\" aria-current=\"page\""),
        "the range is marked"
    );
    assert!(html.contains("Runbook: a text panel"));
    let (_, mine) = json_as(app, "/api/dashboards", ANN).await;
    assert_eq!(
        mine["data"]["recent"][0]["dashboard"]["uid"], "ranker-api",
        "{mine}"
    );
    // A bad ask is named in the card, and the lists still show.
    let html = card_html(app, "id=dashboards&input=..%2Fetc+1h", ANN).await;
    assert!(
        html.contains("is not a Grafana dashboard uid") && html.contains("Ranker SLO"),
        "{}",
        &html[..html.len().min(600)]
    );
    let html = card_html(app, "id=dashboards&input=ranker-api+1y", ANN).await;
    assert!(
        html.contains("is not one of 1h, 6h, 24h, 7d"),
        "{}",
        &html[..html.len().min(600)]
    );
    // Without input: the lists, recently viewed first.
    let html = card_html(app, "id=dashboards", ANN).await;
    let (recent, owned) = (
        html.find("Viewed recently"),
        html.find("Your teams' dashboards"),
    );
    assert!(
        recent.is_some() && recent < owned,
        "{}",
        &html[..html.len().min(600)]
    );
}

async fn failing_upstreams_show_in_place(backend: TestBackend) {
    // Prometheus unreachable: the charts say so one by one; the request succeeds.
    let s = setup(backend, Some("http://127.0.0.1:9".into())).await;
    let (status, charts) = json_as(&s.app, "/api/dashboards/ranker-api/charts", ANN).await;
    assert_eq!(status, 200, "{charts}");
    assert!(
        charts["charts"][0]["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("Prometheus"),
        "{charts}"
    );
    let r = call(&s.app, get("/api/dashboards/ranker-api/open"), ANN).await;
    assert_eq!(r.status.as_u16(), 303);
    // Grafana rate limiting: the card keeps what Trellis has (the recent views) and says why.
    s.grafana.faults.set_rate_limited(true);
    let (status, mine) = json_as(&s.app, "/api/dashboards", ANN).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["problem"], "rateLimited", "{mine}");
    assert_eq!(
        mine["data"]["recent"][0]["dashboard"]["uid"], "ranker-api",
        "{mine}"
    );
}
