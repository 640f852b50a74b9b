//! The example plugin against the fake Statuspage, through the SDK's real HTTP call path: it
//! reads a page's summary, renders it with the upstream's text escaped, says which upstream
//! failed, and its config errors name the key.

use std::sync::Arc;

use leptos::prelude::RenderHtml;
use trellis_fakes::statuspage::FakeStatuspage;
use trellis_integrations::{Metrics, Upstream, UpstreamOptions};
use trellis_plugin_vendor_status::{page, pages, StatusApi, StatusClient};

fn client() -> StatusClient {
    let options = UpstreamOptions {
        retries: 0,
        ..UpstreamOptions::default()
    };
    StatusClient(Upstream::new("Vendor status", options, Metrics::default()).expect("client"))
}

async fn fake() -> (Arc<FakeStatuspage>, String, tokio::task::JoinHandle<()>) {
    let fake = FakeStatuspage::new();
    fake.set_page(
        "github",
        "GitHub",
        &[
            ("Pull Requests", "degraded_performance"),
            ("Actions", "operational"),
        ],
        &[("<img src=x onerror=alert(1)> delays", "minor")],
    );
    let (addr, task) = trellis_fakes::serve(fake.router()).await.expect("serve");
    (fake, format!("http://{addr}/status"), task)
}

#[tokio::test]
async fn a_page_is_read_and_shown_with_its_text_escaped() {
    let (_fake, base, _task) = fake().await;
    let summary = client()
        .summary(format!("{base}/github"))
        .await
        .expect("summary");
    assert_eq!(summary.page.name.as_deref(), Some("GitHub"));
    assert_eq!(summary.status.indicator.as_deref(), Some("minor"));
    assert_eq!(summary.components.len(), 2);
    let html = page(summary).to_html();
    assert!(
        html.contains("Pull Requests: degraded performance"),
        "{html}"
    );
    assert!(
        !html.contains("Actions:"),
        "operational components are not listed: {html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt; delays"),
        "{html}"
    );
    assert!(!html.contains("<img"), "{html}");
}

#[tokio::test]
async fn a_failing_or_missing_page_is_an_error_naming_the_upstream() {
    let (fake, base, _task) = fake().await;
    let missing = client()
        .summary(format!("{base}/nope"))
        .await
        .expect_err("404");
    assert!(missing.to_string().contains("Vendor status"), "{missing}");
    assert!(missing.to_string().contains("404"), "{missing}");
    fake.faults.fail_next(1);
    let failing = client()
        .summary(format!("{base}/github"))
        .await
        .expect_err("502");
    assert!(failing.to_string().contains("502"), "{failing}");
    assert!(
        client().summary(format!("{base}/github")).await.is_ok(),
        "it recovers"
    );
}

#[test]
fn config_errors_name_the_key() {
    let mut config = trellis_services::Config::default();
    assert!(pages(&config).expect("absent is fine").is_empty());
    for (section, key) in [
        (
            serde_json::json!({"pages": ["https://status.example/", "ftp://x"]}),
            "plugins.vendorStatus.pages[1]",
        ),
        (
            serde_json::json!({"pages": ["  "]}),
            "plugins.vendorStatus.pages[0]",
        ),
        (serde_json::json!({"pagez": []}), "plugins.vendorStatus"),
        (
            serde_json::json!({"pages": "https://status.example"}),
            "plugins.vendorStatus.pages",
        ),
    ] {
        config
            .plugins
            .insert("vendorStatus".into(), section.clone());
        let e = pages(&config).expect_err("bad config").to_string();
        assert!(e.contains(key), "{section}: {e}");
    }
    config.plugins.insert(
        "vendorStatus".into(),
        serde_json::json!({"pages": ["https://www.githubstatus.com/"]}),
    );
    assert_eq!(
        pages(&config).expect("ok"),
        ["https://www.githubstatus.com"]
    );
}
