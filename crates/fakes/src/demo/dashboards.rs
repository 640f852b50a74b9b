//! The demo's Grafana: for every component whose `grafana/dashboard-selector` names one tag, a
//! "service overview" dashboard with that tag. Its panels chart what a Prometheus beside the
//! demo really has (`scripts/run.sh` starts one scraping Trellis and itself): Prometheus's own
//! HTTP requests, memory, and Trellis's calls to its (fake) upstreams stand in for the
//! service's own metrics. A text panel and a Loki panel show what the drawer leaves to Grafana.

use serde_json::{json, Value};

use crate::demo::DemoOrg;
use crate::grafana::FakeDashboard;

/// The demo's dashboards.
pub fn dashboards(org: &DemoOrg) -> Vec<FakeDashboard> {
    org.dashboards
        .iter()
        .map(|(tag, (name, title))| {
            let uid: String = format!("svc-{name}").chars().take(40).collect();
            FakeDashboard {
                folder: Some("Services".into()),
                model: json!({
                    "uid": uid,
                    "title": format!("{title} · Service overview"),
                    "tags": [tag, "overview"],
                    "templating": {"list": [
                        {"name": "job", "type": "custom", "current": {"value": ["prometheus", "trellis"]}}
                    ]},
                    "panels": panels(),
                }),
            }
        })
        .collect()
}

fn timeseries(title: &str, unit: &str, expr: &str, legend: &str) -> Value {
    json!({
        "type": "timeseries", "title": title,
        "datasource": {"type": "prometheus", "uid": "prometheus"},
        "fieldConfig": {"defaults": {"unit": unit}},
        "targets": [{"refId": "A", "expr": expr, "legendFormat": legend}],
    })
}

fn panels() -> Value {
    json!([
        timeseries("Requests per second", "reqps",
            "sum by (code) (rate(prometheus_http_requests_total[$__rate_interval]))", "{{code}}"),
        timeseries("Memory", "bytes", "process_resident_memory_bytes{job=~\"$job\"}", "{{job}}"),
        {"type": "row", "title": "Dependencies", "collapsed": true, "panels": [
            timeseries("Upstream calls", "reqps",
                "sum by (integration) (rate(trellis_integration_requests_total[$__rate_interval]))", "{{integration}}"),
            timeseries("Upstream latency p95", "s",
                "histogram_quantile(0.95, sum by (le, integration) (rate(trellis_integration_request_duration_seconds_bucket[$__rate_interval])))", "{{integration}}"),
        ]},
        timeseries("Targets up", "none", "up", "{{job}}"),
        {"type": "text", "title": "Runbook", "options": {"content": "See the runbook."}},
        {"type": "logs", "title": "Error logs", "datasource": {"type": "loki", "uid": "loki"},
         "targets": [{"refId": "A", "expr": "{app=\"feed\"} |= \"error\""}]},
    ])
}
