//! The dashboards' clients through real HTTP: Grafana against the fake Grafana
//! (`trellis-fakes`: tag search, dashboards by uid, links on the Grafana host, a bad token,
//! rate limiting) and Prometheus against a real Prometheus (`trellis-test-kit`) holding known
//! samples: the values at the asked times, NaN as a gap, the series bound, Prometheus's own
//! errors, and no query sent that passes its 11,000-point limit.

use std::sync::Arc;

use serde_json::json;
use trellis_fakes::grafana::{FakeDashboard, FakeGrafana};
use trellis_integrations::grafana::{GrafanaApi, GrafanaClient, GrafanaConfig};
use trellis_integrations::prometheus::{
    step_for, PrometheusApi, PrometheusClient, PrometheusConfig, MAX_SERIES,
};
use trellis_integrations::{Metrics, Upstream, UpstreamError, UpstreamOptions};
use trellis_test_kit::Prometheus;

fn upstream(name: &'static str) -> Arc<Upstream> {
    let options = UpstreamOptions {
        retries: 0,
        ..UpstreamOptions::default()
    };
    Arc::new(Upstream::new(name, options, Metrics::default()).expect("upstream"))
}

async fn grafana(token: &str) -> (Arc<FakeGrafana>, GrafanaClient, tokio::task::JoinHandle<()>) {
    let fake = FakeGrafana::new("glsa_right");
    let dash = |uid: &str, title: &str, tags: &[&str]| FakeDashboard {
        folder: Some("Feed".into()),
        model: json!({"uid": uid, "title": title, "tags": tags, "panels": [{"type": "timeseries", "title": "P", "targets": [{"expr": "up"}]}]}),
    };
    fake.add([
        dash("feed-api", "Feed API", &["home-feed-service", "slo"]),
        dash("feed-db", "Feed DB", &["home-feed-service"]),
        dash("ads", "Ads", &["ads"]),
    ]);
    let (addr, task) = trellis_fakes::serve(fake.router())
        .await
        .expect("fake Grafana");
    let config = GrafanaConfig {
        domain: Some(format!("http://{addr}/")),
        token: Some(token.into()),
    };
    let client = GrafanaClient::new(&config, upstream("Grafana"));
    (fake, client, task)
}

#[tokio::test]
async fn grafana_finds_dashboards_by_tag_and_reads_one() {
    let (_fake, client, _task) = grafana("glsa_right").await;
    let found = client
        .tagged("home-feed-service".into())
        .await
        .expect("search");
    let titles: Vec<&str> = found.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, ["Feed API", "Feed DB"]);
    assert!(
        found[0].url.ends_with("/d/feed-api/feed-api"),
        "{}",
        found[0].url
    );
    assert!(found[0].url.starts_with("http://127.0.0.1:"));
    assert_eq!(found[0].folder.as_deref(), Some("Feed"));
    let d = client
        .dashboard("feed-db".into())
        .await
        .expect("get")
        .expect("found");
    assert_eq!(d.reference.title, "Feed DB");
    assert_eq!(d.model["panels"][0]["targets"][0]["expr"], "up");
    assert_eq!(client.dashboard("nope".into()).await, Ok(None));
    // Never sent: not a uid.
    assert_eq!(client.dashboard("../../api/admin".into()).await, Ok(None));
}

#[tokio::test]
async fn grafana_refusals_are_errors_not_empty_lists() {
    let (fake, client, _task) = grafana("glsa_wrong").await;
    let e = client.tagged("ads".into()).await.expect_err("401");
    assert!(
        matches!(e, UpstreamError::Status { status: 401, .. }),
        "{e:?}"
    );
    let (fake2, client2, _task2) = grafana("glsa_right").await;
    fake2.faults.set_rate_limited(true);
    let e = client2.tagged("ads".into()).await.expect_err("429");
    assert!(matches!(e, UpstreamError::RateLimited { .. }), "{e:?}");
    drop(fake);
}

/// `demo_rps{job=...}` every 60 s for 3 hours: job `a` counts 0..9 again and again, `b` is 5
/// with one NaN, and `many` has 15 series.
fn samples(start: i64) -> String {
    let mut out = String::from("# HELP demo_rps Requests.\n# TYPE demo_rps gauge\n");
    for i in 0..180 {
        let t = start + i * 60;
        out.push_str(&format!("demo_rps{{job=\"a\"}} {} {t}\n", i % 10));
        let b = if i == 3 {
            "NaN".to_string()
        } else {
            "5".into()
        };
        out.push_str(&format!("demo_rps{{job=\"b\"}} {b} {t}\n"));
        for s in 0..15 {
            out.push_str(&format!("demo_rps{{job=\"many\",n=\"{s}\"}} {s} {t}\n"));
        }
    }
    out.push_str("# EOF\n");
    out
}

#[tokio::test]
async fn prometheus_answers_known_samples_over_a_range() {
    let start = chrono::Utc::now().timestamp() / 60 * 60 - 4 * 3600;
    let server = Prometheus::start(&samples(start));
    let config = PrometheusConfig {
        base_url: Some(server.url()),
        scrape_interval_secs: None,
    };
    let client = PrometheusClient::new(&config, upstream("Prometheus"));
    let end = start + 600;
    let m = client
        .range("demo_rps{job=~\"a|b\"}".into(), start, end, 60)
        .await
        .expect("range");
    assert_eq!(m.series.len(), 2);
    let (labels, a) = &m.series[0];
    assert_eq!(labels.get("job").map(String::as_str), Some("a"));
    assert_eq!(a.times.first(), Some(&start));
    assert_eq!(a.times.len(), 11);
    assert_eq!(a.values[..4], [Some(0.0), Some(1.0), Some(2.0), Some(3.0)]);
    let (_, b) = &m.series[1];
    assert_eq!(b.values[3], None, "NaN is a gap");
    assert_eq!(b.values[4], Some(5.0));
    // Fifteen series: ten are kept, five counted.
    let many = client
        .range("demo_rps{job=\"many\"}".into(), start, end, 60)
        .await
        .expect("many");
    assert_eq!((many.series.len(), many.more), (MAX_SERIES, 5));
    // Prometheus's own error comes back, named.
    let e = client
        .range("rate(demo_rps[".into(), start, end, 60)
        .await
        .expect_err("bad");
    assert!(
        matches!(&e, UpstreamError::Status { status: 400, detail, .. } if detail.contains("parse error")),
        "{e:?}"
    );
    // A range that would pass 11,000 points is never sent; the step the drawer picks never does.
    let e = client
        .range("demo_rps".into(), 0, 20_000, 1)
        .await
        .expect_err("too many points");
    assert!(e.to_string().contains("11,000"), "{e}");
    let year = 365 * 86_400;
    let step = step_for(year as u64, 100_000);
    let ok = client
        .range("demo_rps{job=\"a\"}".into(), end - year, end, step)
        .await;
    assert!(ok.is_ok(), "{ok:?}");
}
