//! A dashboard's model as charts: Prometheus panels (in rows too) with Grafana's variables
//! filled in, the rest listed with why, and the bounds on what one dashboard asks.

use serde_json::json;
use std::collections::BTreeMap;
use trellis_dashboards::panels::*;

const T: Timing = Timing {
    step: 30,
    range: 3600,
    scrape: 15,
};

#[test]
fn draws_the_prometheus_panels_with_variables_filled_in() {
    let model = json!({
        "templating": {"list": [
            {"name": "job", "current": {"value": "feed"}},
            {"name": "env", "current": {"value": ["prod", "canary"]}},
            {"name": "pod", "current": {"value": "$__all"}, "allValue": "feed-.*"}
        ]},
        "panels": [
            {"type": "timeseries", "title": "Requests", "fieldConfig": {"defaults": {"unit": "reqps"}},
             "datasource": {"type": "prometheus", "uid": "p"},
             "targets": [{"expr": "sum by (code) (rate(http_requests_total{job=\"$job\",env=~\"${env}\",pod=~\"[[pod]]\"}[$__rate_interval]))", "legendFormat": "{{code}}"},
                         {"expr": "up", "hide": true}]},
            {"type": "text", "title": "Notes"},
            {"type": "row", "title": "More", "collapsed": true, "panels": [
                {"type": "graph", "title": "Memory", "yaxes": [{"format": "bytes"}], "targets": [{"expr": "process_resident_memory_bytes{job=\"$job\"}"}]}
            ]},
            {"type": "timeseries", "title": "Logs", "datasource": {"type": "loki"}, "targets": [{"expr": "{app=\"x\"}"}]},
            {"type": "timeseries", "title": "Odd", "targets": [{"expr": "rate(x[$nope])"}]}
        ]
    });
    let e = extract(&model, T);
    assert_eq!(e.panels.len(), 2);
    assert_eq!(e.panels[0].unit, "reqps");
    assert_eq!(
        e.panels[0].targets,
        vec![Target {
            expr: "sum by (code) (rate(http_requests_total{job=\"feed\",env=~\"(prod|canary)\",pod=~\"feed-.*\"}[60s]))".into(),
            legend: "{{code}}".into()
        }]
    );
    assert_eq!(e.panels[1].title, "Memory");
    assert_eq!(e.panels[1].unit, "bytes");
    assert_eq!(e.skipped.len(), 3, "{:?}", e.skipped);
    assert!(e.skipped[2].contains("$nope"), "{:?}", e.skipped);
    // Regex anchors are not variables.
    let anchored = json!({"panels": [{"type": "timeseries", "title": "A",
        "targets": [{"expr": "x{a=~\"b$\"}[5m]"}]}]});
    assert_eq!(
        extract(&anchored, T).panels[0].targets[0].expr,
        "x{a=~\"b$\"}[5m]"
    );
}

#[test]
fn bounds_what_one_dashboard_asks() {
    let panel = json!({"type": "timeseries", "title": "P", "targets": [
        {"expr": "a"}, {"expr": "b"}, {"expr": "c"}, {"expr": "d"}, {"expr": "e"}]});
    let model = json!({"panels": vec![panel; 20]});
    let e = extract(&model, T);
    assert_eq!(e.panels.len(), MAX_PANELS);
    assert!(e.panels.iter().all(|p| p.targets.len() == MAX_TARGETS));
    assert_eq!(e.skipped.len(), 8);
}

#[test]
fn legends_read_like_grafanas() {
    let labels: BTreeMap<String, String> = [("__name__", "up"), ("job", "feed"), ("code", "200")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(legend("{{job}} {{ code }}", &labels), "feed 200");
    assert_eq!(legend("", &labels), "up{code=\"200\", job=\"feed\"}");
}
