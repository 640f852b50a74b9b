//! `TestApp`: the real router and state on a fresh test database, driven with `oneshot`.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;
use trellis::config::Config;
use trellis::AppState;
use trellis_test_kit::{TestBackend, TestDatabase};

/// A running app on its own database.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _db: TestDatabase,
    pub site: tempfile::TempDir,
}

/// The user tests act as by default (guest mode, admin).
pub const TESTER: &str = "user:default/tester";

/// How long a test waits for a whole response (the router's own timeout is 30 s).
pub const RESPONSE_LIMIT: std::time::Duration = std::time::Duration::from_secs(45);

/// A response read to the end.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// The app with default config on a fresh, migrated database.
    pub async fn new(backend: TestBackend) -> TestApp {
        Self::with_config(backend, |_| {}).await
    }

    /// The app with the default config changed by `adjust`.
    pub async fn with_config(backend: TestBackend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        // The server's warnings and errors, shown with a test's output when it fails.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_test_writer()
            .try_init();
        let db = TestDatabase::new(backend).await;
        let site = tempfile::tempdir().expect("site dir");
        std::fs::write(site.path().join("robots.txt"), "User-agent: *\n")
            .expect("write static file");
        let mut config = Config::default();
        config.database.url = db.url.clone();
        config.server.site_root = site.path().to_path_buf();
        // Guest mode as an admin, unless a test configures sign-in itself.
        config.auth.mode = trellis_auth::AuthMode::Guest;
        config.auth.guest_user = TESTER.into();
        config.permission.admins = vec![TESTER.into()];
        adjust(&mut config);
        config.validate().expect("test config is valid");
        let state = trellis::server::build_state(config).await.expect("state");
        let router = trellis::router::build(state.clone());
        TestApp {
            router,
            state,
            _db: db,
            site,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post(&self, path: &str) -> TestResponse {
        self.send(Request::post(path).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> TestResponse {
        let request = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(request).await
    }

    /// Starts a refresh of the whole catalog (202 with a run id) and waits for the run;
    /// returns the run's result summary (`added`, `changed`, ...).
    pub async fn refresh(&self) -> serde_json::Value {
        let started = self.post("/api/catalog/refresh").await;
        assert_eq!(
            started.status,
            202,
            "refresh starts in the background: {}",
            started.text()
        );
        let run = self
            .wait_run(started.json()["runId"].as_i64().expect("runId"))
            .await;
        assert_eq!(run["state"], "success", "{run}");
        run["result"]["summary"].clone()
    }

    /// Polls `GET /api/jobs/runs/{id}` until the run has finished; returns it.
    pub async fn wait_run(&self, id: i64) -> serde_json::Value {
        let deadline = std::time::Instant::now() + RESPONSE_LIMIT;
        loop {
            let run = self.get(&format!("/api/jobs/runs/{id}")).await;
            assert_eq!(run.status, 200, "{}", run.text());
            let run = run.json();
            if run["state"] != "running" {
                return run;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "run {id} still running: {run}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Polls `path` until it answers `status` (background work catching up).
    pub async fn eventually(&self, path: &str, status: u16) -> TestResponse {
        let deadline = std::time::Instant::now() + RESPONSE_LIMIT;
        loop {
            let res = self.get(path).await;
            if res.status == status {
                return res;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{path} still answers {}: {}",
                res.status,
                res.text()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub async fn put_json(&self, path: &str, body: &serde_json::Value) -> TestResponse {
        let request = Request::put(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(request).await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        self.send(Request::delete(path).body(Body::empty()).expect("request"))
            .await
    }

    /// Sends `request` and reads the whole response. A response that does not finish within
    /// [`RESPONSE_LIMIT`] fails the test (a stalled stream would otherwise hang the suite).
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let what = format!("{} {}", request.method(), request.uri());
        let exchange = async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible router");
            let status = response.status();
            let headers = response.headers().clone();
            let body = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
                .await
                .expect("body")
                .to_vec();
            TestResponse {
                status,
                headers,
                body,
            }
        };
        tokio::time::timeout(RESPONSE_LIMIT, exchange)
            .await
            .unwrap_or_else(|_| panic!("{what}: no complete response within {RESPONSE_LIMIT:?}"))
    }
}
