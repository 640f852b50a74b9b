//! Liveness and readiness probes.

use trellis_test_kit::TestBackend;

use crate::common::TestApp;
use trellis_test_kit::on_both;

on_both!(
    readyz_reports_migrated_database,
    readyz_refuses_unmigrated_database
);

async fn readyz_reports_migrated_database(backend: TestBackend) {
    let app = TestApp::new(backend).await;
    for path in ["/readyz", "/api/readyz"] {
        let res = app.get(path).await;
        assert_eq!(res.status, 200, "{path}: {}", res.text());
        let body = res.json();
        assert_eq!(body["status"], "ready");
        let expected = if backend == TestBackend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        };
        assert_eq!(body["database"]["backend"], expected);
        assert_eq!(body["database"]["reachable"], true);
        assert_eq!(body["database"]["pending_migrations"], 0);
        assert!(body["database"]["applied_migrations"].as_u64().unwrap_or(0) >= 1);
    }
}

async fn readyz_refuses_unmigrated_database(backend: TestBackend) {
    let app = TestApp::with_config(backend, |c| c.database.migrate_on_start = false).await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status, 503, "{}", res.text());
    let body = res.json();
    assert_eq!(body["status"], "unavailable");
    assert!(body["database"]["problem"]
        .as_str()
        .unwrap_or_default()
        .contains("trellis migrate"));
    // Liveness does not depend on the database.
    assert_eq!(app.get("/healthz").await.status, 200);
    app.state
        .db
        .migrate(&app.state.migrations())
        .await
        .expect("migrate");
    assert_eq!(app.get("/readyz").await.status, 200, "ready once migrated");
}

#[tokio::test]
async fn readyz_fails_when_database_is_gone() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    app.state.db.close().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status, 503);
    assert_eq!(res.json()["database"]["reachable"], false);
    assert_eq!(app.get("/healthz").await.status, 200);
}

#[tokio::test]
async fn healthz_reports_version() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "ok");
    assert_eq!(res.json()["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(res.header("content-type"), Some("application/json"));
}
