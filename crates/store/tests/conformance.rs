//! Store conformance suite: every test runs on SQLite and on a real PostgreSQL, each in a fresh
//! database, and must behave the same on both.

use chrono::{Duration, TimeZone, Utc};
use trellis_store::jobs::Outcome;
use trellis_store::{Backend, Db, DbOptions, StoreError};
use trellis_test_kit::{on_both, TestBackend, TestDatabase};

on_both!(
    migrate_is_idempotent_and_reported,
    fresh_database_reports_pending_migrations,
    job_runs_record_start_and_finish,
    job_runs_refuse_bad_input_and_keep_data,
    leases_have_one_holder_at_a_time,
    reopening_keeps_data,
);

async fn open(test_db: &TestDatabase) -> Db {
    Db::connect(&test_db.url, &DbOptions::default())
        .await
        .expect("connect")
}

async fn migrated(backend: TestBackend) -> (TestDatabase, Db) {
    let test_db = TestDatabase::new(backend).await;
    let db = open(&test_db).await;
    db.migrate(&[&trellis_store::CORE]).await.expect("migrate");
    (test_db, db)
}

async fn migrate_is_idempotent_and_reported(backend: TestBackend) {
    let (_t, db) = migrated(backend).await;
    let expected = match backend {
        TestBackend::Sqlite => Backend::Sqlite,
        TestBackend::Postgres => Backend::Postgres,
    };
    assert_eq!(db.backend(), expected);
    let first = db
        .migration_status(&[&trellis_store::CORE])
        .await
        .expect("status");
    assert!(first.applied >= 1, "core migrations applied: {first:?}");
    assert_eq!(first.pending, 0);
    let again = db
        .migrate(&[&trellis_store::CORE])
        .await
        .expect("second migrate is a no-op");
    assert_eq!(again, first);
    db.ping().await.expect("ping");
}

async fn fresh_database_reports_pending_migrations(backend: TestBackend) {
    let test_db = TestDatabase::new(backend).await;
    let db = open(&test_db).await;
    let status = db
        .migration_status(&[&trellis_store::CORE])
        .await
        .expect("status");
    assert_eq!(status.applied, 0);
    assert!(status.pending >= 1);
    assert!(!status.is_current());
}

async fn job_runs_record_start_and_finish(backend: TestBackend) {
    let (_t, db) = migrated(backend).await;
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 26, 8, 0, 0)
        .single()
        .expect("time");
    let first = db
        .start_job_run("ldap-sync:default", t0)
        .await
        .expect("start");
    db.finish_job_run(
        first,
        Outcome::Success,
        Some("added 3"),
        t0 + Duration::seconds(2),
    )
    .await
    .expect("finish");
    let second = db
        .start_job_run("ldap-sync:default", t0 + Duration::minutes(60))
        .await
        .expect("start 2");
    db.start_job_run("catalog-refresh", t0)
        .await
        .expect("other job");

    let runs = db
        .recent_job_runs("ldap-sync:default", 10)
        .await
        .expect("recent");
    assert_eq!(
        runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![second, first],
        "newest first, one job only"
    );
    assert_eq!(runs[1].outcome.as_deref(), Some("success"));
    assert_eq!(runs[1].detail.as_deref(), Some("added 3"));
    assert_eq!(runs[1].started_at, t0);
    assert_eq!(runs[1].finished_at, Some(t0 + Duration::seconds(2)));
    assert_eq!(runs[0].finished_at, None, "second run still running");
    assert_eq!(
        db.recent_job_runs("ldap-sync:default", 1)
            .await
            .expect("limit")
            .len(),
        1
    );
}

async fn job_runs_refuse_bad_input_and_keep_data(backend: TestBackend) {
    let (_t, db) = migrated(backend).await;
    let now = Utc::now();
    let id = db.start_job_run("sync", now).await.expect("start");
    db.finish_job_run(id, Outcome::Aborted, Some("directory empty"), now)
        .await
        .expect("finish");

    for bad in ["", "Has Capitals", "semi;colon", &"x".repeat(101)] {
        match db.start_job_run(bad, now).await {
            Err(StoreError::Invalid { field: "job", .. }) => {}
            other => panic!("job name {bad:?} accepted: {other:?}"),
        }
    }
    match db.finish_job_run(id, Outcome::Success, None, now).await {
        Err(StoreError::Conflict(msg)) => assert!(msg.contains(&id.to_string())),
        other => panic!("second finish accepted: {other:?}"),
    }
    match db
        .finish_job_run(id + 1000, Outcome::Success, None, now)
        .await
    {
        Err(StoreError::NotFound(what)) => assert!(what.contains("job run")),
        other => panic!("unknown run finished: {other:?}"),
    }
    assert!(matches!(
        db.recent_job_runs("sync", 0).await,
        Err(StoreError::Invalid { field: "limit", .. })
    ));
    let kept = db.job_run(id).await.expect("read").expect("still stored");
    assert_eq!(
        kept.outcome.as_deref(),
        Some("aborted"),
        "refused changes left the stored run alone"
    );
    assert_eq!(kept.detail.as_deref(), Some("directory empty"));
}

async fn leases_have_one_holder_at_a_time(backend: TestBackend) {
    let (_t, db) = migrated(backend).await;
    let t0 = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("time");
    let ttl = Duration::seconds(30);
    assert!(db
        .try_acquire_lease("ldap", "replica-a", t0, t0 + ttl)
        .await
        .expect("a takes"));
    assert!(!db
        .try_acquire_lease(
            "ldap",
            "replica-b",
            t0 + Duration::seconds(10),
            t0 + Duration::seconds(40)
        )
        .await
        .expect("b refused"));
    assert!(db
        .try_acquire_lease(
            "ldap",
            "replica-a",
            t0 + Duration::seconds(20),
            t0 + Duration::seconds(50)
        )
        .await
        .expect("a renews"));
    assert_eq!(
        db.lease_holder("ldap", t0 + Duration::seconds(45))
            .await
            .expect("holder")
            .as_deref(),
        Some("replica-a")
    );
    // a's renewed lease ends at t0+50: b takes over only after that.
    assert!(!db
        .try_acquire_lease(
            "ldap",
            "replica-b",
            t0 + Duration::seconds(49),
            t0 + Duration::seconds(79)
        )
        .await
        .expect("b early"));
    assert!(db
        .try_acquire_lease(
            "ldap",
            "replica-b",
            t0 + Duration::seconds(50),
            t0 + Duration::seconds(80)
        )
        .await
        .expect("b takes over"));
    assert!(!db
        .release_lease("ldap", "replica-a")
        .await
        .expect("a no longer holds"));
    assert!(db
        .release_lease("ldap", "replica-b")
        .await
        .expect("b releases"));
    assert_eq!(
        db.lease_holder("ldap", t0 + Duration::seconds(51))
            .await
            .expect("none"),
        None
    );
    assert!(matches!(
        db.try_acquire_lease("", "x", t0, t0 + ttl).await,
        Err(StoreError::Invalid {
            field: "lease name",
            ..
        })
    ));
    assert!(matches!(
        db.try_acquire_lease("n", "x", t0, t0).await,
        Err(StoreError::Invalid { field: "until", .. })
    ));
}

async fn reopening_keeps_data(backend: TestBackend) {
    let (test_db, db) = migrated(backend).await;
    let id = db
        .start_job_run("persist", Utc::now())
        .await
        .expect("start");
    db.close().await;
    let reopened = open(&test_db).await;
    assert!(reopened
        .migration_status(&[&trellis_store::CORE])
        .await
        .expect("status")
        .is_current());
    assert!(reopened.job_run(id).await.expect("read").is_some());
}

#[tokio::test]
async fn unsupported_urls_are_named() {
    match Db::connect("mysql://root:hunter2@localhost/x", &DbOptions::default()).await {
        Err(e @ StoreError::UnsupportedUrl(_)) => {
            let msg = e.to_string();
            assert!(msg.contains("mysql://root:***@localhost/x"), "{msg}");
            assert!(!msg.contains("hunter2"));
        }
        other => panic!("accepted: {other:?}"),
    }
    assert!(matches!(
        Db::connect("sqlite::memory:", &DbOptions::default()).await,
        Err(StoreError::Invalid {
            field: "database.url",
            ..
        })
    ));
}

#[tokio::test]
async fn sqlite_keeps_each_plugin_in_its_own_file() {
    let test_db = TestDatabase::sqlite();
    let db = open(&test_db).await;
    db.migrate(&[&trellis_store::CORE]).await.expect("migrate");
    let dir = test_db.dir().expect("sqlite dir");
    for plugin in trellis_store::PLUGINS {
        assert!(
            dir.join(format!("trellis.{plugin}.db")).exists(),
            "{plugin} file"
        );
    }
}
