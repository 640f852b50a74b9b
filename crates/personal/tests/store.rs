//! The personal store on SQLite and PostgreSQL: stars, visits, links and layouts are per
//! person, ordered, bounded (a full list writes nothing more), and removing another person's
//! link removes nothing.

use chrono::{Duration, TimeZone, Utc};
use trellis_personal::{marks, prefs};
use trellis_shared::views::personal::LayoutItem;
use trellis_store::{Db, DbOptions};
use trellis_test_kit::{on_both, TestBackend, TestDatabase};

on_both!(
    stars_and_visits_are_per_person_and_bounded,
    links_and_layouts_are_per_person
);

async fn db(test_db: &TestDatabase) -> Db {
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .expect("connect");
    db.migrate(&[&trellis_store::CORE, &trellis_personal::MIGRATIONS])
        .await
        .expect("migrate");
    db
}

const ANA: &str = "user:default/ana";
const BO: &str = "user:default/bo";

async fn stars_and_visits_are_per_person_and_bounded(backend: TestBackend) {
    let test_db = TestDatabase::new(backend).await;
    let db = db(&test_db).await;
    let t0 = Utc
        .with_ymd_and_hms(2026, 12, 2, 9, 0, 0)
        .single()
        .expect("time");
    assert!(marks::star(&db, ANA, "component:default/a", t0)
        .await
        .expect("a"));
    assert!(
        marks::star(&db, ANA, "component:default/b", t0 + Duration::seconds(1))
            .await
            .expect("b")
    );
    assert!(
        marks::star(&db, ANA, "component:default/a", t0 + Duration::seconds(2))
            .await
            .expect("again")
    );
    let refs: Vec<String> = marks::stars(&db, ANA)
        .await
        .expect("stars")
        .into_iter()
        .map(|s| s.entity_ref)
        .collect();
    assert_eq!(
        refs,
        ["component:default/b", "component:default/a"],
        "latest first, starring again keeps the first time"
    );
    assert!(marks::is_starred(&db, ANA, "component:default/a")
        .await
        .expect("is"));
    assert!(!marks::is_starred(&db, BO, "component:default/a")
        .await
        .expect("is not"));
    assert!(marks::stars(&db, BO).await.expect("bo").is_empty());
    assert!(marks::unstar(&db, ANA, "component:default/a")
        .await
        .expect("unstar"));
    assert!(!marks::unstar(&db, ANA, "component:default/a")
        .await
        .expect("twice"));

    for i in 0..marks::MAX_STARS {
        assert!(marks::star(&db, BO, &format!("component:default/c{i}"), t0)
            .await
            .expect("star"));
    }
    assert!(!marks::star(&db, BO, "component:default/one-more", t0)
        .await
        .expect("full"));
    assert!(
        marks::star(&db, BO, "component:default/c0", t0)
            .await
            .expect("a star Bo has"),
        "starring one he has is fine"
    );
    assert_eq!(
        marks::stars(&db, BO).await.expect("bo").len() as i64,
        marks::MAX_STARS
    );

    for i in 0..(marks::KEPT_VISITS + 5) {
        let at = t0 + Duration::seconds(i);
        marks::visit(
            &db,
            ANA,
            &format!("/catalog/default/component/p{i}"),
            &format!("P{i}"),
            at,
        )
        .await
        .expect("visit");
    }
    marks::visit(
        &db,
        ANA,
        "/catalog/default/component/p10",
        "P10 again",
        t0 + Duration::seconds(100),
    )
    .await
    .expect("again");
    marks::visit(&db, BO, "/catalog/default/group/x", "X", t0)
        .await
        .expect("bo");
    let visits = marks::visits(&db, ANA, 100).await.expect("visits");
    assert_eq!(visits.len() as i64, marks::KEPT_VISITS, "bounded");
    assert_eq!(visits[0].path, "/catalog/default/component/p10");
    assert_eq!(visits[0].title, "P10 again");
    assert_eq!(
        visits[1].path,
        format!("/catalog/default/component/p{}", marks::KEPT_VISITS + 4)
    );
    assert!(
        visits
            .iter()
            .all(|v| v.path != "/catalog/default/component/p0"),
        "the oldest are forgotten"
    );
    assert_eq!(marks::visits(&db, BO, 100).await.expect("bo").len(), 1);
}

async fn links_and_layouts_are_per_person(backend: TestBackend) {
    let test_db = TestDatabase::new(backend).await;
    let db = db(&test_db).await;
    let now = Utc::now();
    let a = prefs::add_link(&db, ANA, "Runbooks", "https://wiki.example/", now)
        .await
        .expect("add")
        .expect("id");
    let b = prefs::add_link(&db, ANA, "Catalog", "/catalog", now)
        .await
        .expect("add")
        .expect("id");
    assert!(!prefs::remove_link(&db, BO, a).await.expect("not Bo's"));
    let titles: Vec<String> = prefs::links(&db, ANA)
        .await
        .expect("links")
        .into_iter()
        .map(|l| l.title)
        .collect();
    assert_eq!(titles, ["Runbooks", "Catalog"], "in the order added");
    assert!(prefs::remove_link(&db, ANA, a).await.expect("remove"));
    assert_eq!(prefs::links(&db, ANA).await.expect("links")[0].id, Some(b));
    for i in 0..prefs::MAX_LINKS {
        assert!(prefs::add_link(&db, BO, &format!("L{i}"), "/", now)
            .await
            .expect("add")
            .is_some());
    }
    assert_eq!(
        prefs::add_link(&db, BO, "one more", "/", now)
            .await
            .expect("full"),
        None
    );
    assert_eq!(
        prefs::links(&db, BO).await.expect("bo").len() as i64,
        prefs::MAX_LINKS
    );

    assert_eq!(prefs::layout(&db, ANA).await.expect("none"), None);
    let items = vec![
        LayoutItem {
            id: "personal".into(),
            shown: true,
        },
        LayoutItem {
            id: "jira-issues".into(),
            shown: false,
        },
    ];
    prefs::set_layout(&db, ANA, &items, now).await.expect("set");
    prefs::set_layout(&db, ANA, &items[..1], now)
        .await
        .expect("replace");
    assert_eq!(
        prefs::layout(&db, ANA).await.expect("read"),
        Some(items[..1].to_vec())
    );
    assert_eq!(prefs::layout(&db, BO).await.expect("bo"), None);
    prefs::reset_layout(&db, ANA).await.expect("reset");
    assert_eq!(prefs::layout(&db, ANA).await.expect("gone"), None);
}
