//! Baseline for `scripts/bench.sh`: a bare axum "hello" handler on the same runtime and HTTP stack
//! as the real server, so SSR throughput can be reported as a ratio measured in one run.
//! Usage: `hello 127.0.0.1:3999`.

use axum::routing::get;
use axum::Router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3999".into());
    let app = Router::new().route("/", get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
