//! The views store on SQLite and PostgreSQL: a view again moves a dashboard to the top (no
//! duplicate), people never see each other's views, and only the newest `KEPT` stay.

use chrono::{Duration, TimeZone, Utc};
use trellis_dashboards::store::{recent, record, KEPT};
use trellis_shared::views::dashboards::DashboardRef;
use trellis_store::{Db, DbOptions};
use trellis_test_kit::{on_both, TestBackend, TestDatabase};

on_both!(views_are_per_person_latest_first_and_bounded);

fn dash(uid: &str) -> DashboardRef {
    DashboardRef {
        uid: uid.into(),
        title: format!("Dashboard {uid}"),
        url: format!("https://grafana.example/d/{uid}/x"),
        folder: Some("Feed".into()),
        tags: vec!["feed".into()],
    }
}

async fn views_are_per_person_latest_first_and_bounded(backend: TestBackend) {
    let test_db = TestDatabase::new(backend).await;
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .expect("connect");
    db.migrate(&[&trellis_store::CORE, &trellis_dashboards::MIGRATIONS])
        .await
        .expect("migrate");
    let t0 = Utc
        .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
        .single()
        .expect("time");
    let me = "user:default/ana";
    record(&db, me, &dash("a"), t0).await.expect("a");
    record(&db, me, &dash("b"), t0 + Duration::seconds(1))
        .await
        .expect("b");
    record(&db, "user:default/bo", &dash("c"), t0)
        .await
        .expect("c");
    let mut again = dash("a");
    again.title = "Renamed".into();
    record(&db, me, &again, t0 + Duration::seconds(2))
        .await
        .expect("a again");
    let mine = recent(&db, me, 10).await.expect("recent");
    let uids: Vec<&str> = mine.iter().map(|v| v.dashboard.uid.as_str()).collect();
    assert_eq!(uids, ["a", "b"]);
    assert_eq!(mine[0].dashboard.title, "Renamed");
    assert_eq!(mine[0].dashboard.tags, ["feed"]);
    assert_eq!(mine[0].viewed_at, "2026-12-01T09:00:02Z");
    for i in 0..KEPT + 5 {
        record(
            &db,
            me,
            &dash(&format!("n{i}")),
            t0 + Duration::seconds(10 + i),
        )
        .await
        .expect("n");
    }
    let all = recent(&db, me, 1000).await.expect("recent");
    assert_eq!(all.len() as i64, KEPT);
    assert_eq!(all[0].dashboard.uid, format!("n{}", KEPT + 4));
    let theirs = recent(&db, "user:default/bo", 10).await.expect("theirs");
    assert_eq!(theirs.len(), 1);
}
