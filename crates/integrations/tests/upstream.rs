//! The call path against hostile answers: an answer over the size cap (or one that never ends)
//! is refused after reading at most the cap, naming the upstream, and an answer that is not
//! JSON is a decode error, not a panic.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use futures_util::stream;
use trellis_integrations::{Metrics, Upstream, UpstreamError, UpstreamOptions};

fn upstream() -> Upstream {
    let options = UpstreamOptions {
        retries: 0,
        max_body: 1 << 20,
        timeout: Duration::from_secs(5),
        ..UpstreamOptions::default()
    };
    Upstream::new("Hostile", options, Metrics::default()).expect("upstream")
}

async fn serve() -> String {
    let chunk = || axum::body::Bytes::from(vec![b'x'; 64 << 10]);
    let router = Router::new()
        .route("/big", get(move || async move { vec![b'x'; 2 << 20] }))
        .route(
            "/endless",
            get(move || async move {
                Body::from_stream(stream::repeat_with(
                    move || Ok::<_, std::io::Error>(chunk()),
                ))
            }),
        )
        .route("/html", get(|| async { "<html>not json</html>" }));
    let (addr, task) = trellis_fakes::serve(router).await.expect("serve");
    std::mem::forget(task);
    format!("http://{addr}")
}

#[tokio::test]
async fn answers_over_the_cap_are_refused_without_reading_them_whole() {
    let base = serve().await;
    let up = upstream();
    for path in ["/big", "/endless"] {
        let started = Instant::now();
        let url = format!("{base}{path}");
        let e = up
            .call("get", true, |http| http.get(&url))
            .await
            .expect_err("over the cap");
        assert!(
            matches!(&e, UpstreamError::Decode { detail, .. } if detail.contains("larger than 1048576 bytes")),
            "{path}: {e}"
        );
        assert!(e.to_string().contains("Hostile"), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{path} took {:?}",
            started.elapsed()
        );
    }
    let url = format!("{base}/html");
    let answer = up
        .call("get", true, |http| http.get(&url))
        .await
        .expect("answer");
    let e = up.json::<serde_json::Value>(&answer).expect_err("not json");
    assert!(matches!(e, UpstreamError::Decode { .. }), "{e}");
}
