//! Storing reads: on SQLite and PostgreSQL, changes are applied exactly, and nothing stored is
//! lost when a source breaks.

mod common;

use std::collections::BTreeSet;

use chrono::Utc;
use trellis_catalog::store::{apply_read, count_entities, get_entity};
use trellis_catalog::{read_locations, LocationSpec, ReadOptions};
use trellis_store::Db;
use trellis_test_kit::{on_both, TestBackend};

on_both!(stores_changes_exactly_and_keeps_what_broken_sources_held);

const ENTITY: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: NAME\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  system: shop\n";

fn doc(name: &str) -> String {
    ENTITY.replace("NAME", name)
}

async fn stores_changes_exactly_and_keeps_what_broken_sources_held(backend: TestBackend) {
    let (_test_db, db) = common::migrated(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("catalog-info.yaml");
    let write = |text: &str| std::fs::write(&file, text).expect("write");
    let spec = LocationSpec::file(file.display().to_string());
    let registered: BTreeSet<String> = [spec.key()].into_iter().collect();
    let apply = |db: &Db, registered: &BTreeSet<String>| {
        let read = read_locations(std::slice::from_ref(&spec), &ReadOptions::default());
        let db = db.clone();
        let registered = registered.clone();
        async move {
            apply_read(&db, &read, &registered, Utc::now())
                .await
                .expect("apply")
        }
    };

    write(&format!("{}---\n{}", doc("web"), doc("api")));
    let first = apply(&db, &registered).await;
    assert_eq!((first.added, first.changed, first.removed), (2, 0, 0));
    let web = get_entity(&db, "component:default/web")
        .await
        .expect("get")
        .expect("stored");
    let uid = web.metadata.uid.clone().expect("uid");
    let rel: Vec<_> = web
        .relations
        .iter()
        .map(|r| (r.relation_type.as_str(), r.target_ref.as_str()))
        .collect();
    assert_eq!(
        rel,
        vec![
            ("ownedBy", "group:default/team-a"),
            ("partOf", "system:default/shop")
        ]
    );
    assert!(
        get_entity(&db, "Component:Default/WEB")
            .await
            .expect("get")
            .is_some(),
        "refs are case-insensitive"
    );

    let again = apply(&db, &registered).await;
    assert_eq!(
        (again.added, again.changed, again.unchanged, again.removed),
        (0, 0, 2, 0),
        "a no-op refresh writes nothing"
    );

    write(&format!(
        "{}---\n{}",
        doc("web").replace("production", "deprecated"),
        doc("api")
    ));
    let changed = apply(&db, &registered).await;
    assert_eq!((changed.changed, changed.unchanged), (1, 1));
    let web = get_entity(&db, "component:default/web")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(web.spec_str("lifecycle"), Some("deprecated"));
    assert_eq!(
        web.metadata.uid.as_deref(),
        Some(uid.as_str()),
        "uid survives changes"
    );

    write("kind: [broken\n");
    let broken = apply(&db, &registered).await;
    assert_eq!(
        (broken.removed, broken.kept),
        (0, 2),
        "a broken file keeps what it defined"
    );
    assert_eq!(count_entities(&db).await.expect("count"), 2);

    std::fs::remove_file(&file).expect("rm");
    let missing = apply(&db, &registered).await;
    assert_eq!(
        (missing.removed, missing.kept),
        (0, 2),
        "a missing target is not an empty one"
    );

    write(&doc("web"));
    let dropped = apply(&db, &registered).await;
    assert_eq!(dropped.removed, 1, "the source really dropped `api`");
    assert!(get_entity(&db, "component:default/api")
        .await
        .expect("get")
        .is_none());

    let nothing = read_locations(&[], &ReadOptions::default());
    let gone = apply_read(&db, &nothing, &BTreeSet::new(), Utc::now())
        .await
        .expect("apply");
    assert_eq!(
        gone.removed, 1,
        "entities of an unregistered location are cleaned up"
    );
    assert_eq!(count_entities(&db).await.expect("count"), 0);
    assert_eq!(
        common::orphans(&db).await,
        0,
        "no derived row outlives its entity"
    );
}

on_both!(bulk_loads_rebuild_indexes_and_answer_the_same);

/// Every index of the catalog schema (name, table, columns) and, on PostgreSQL, every constraint.
async fn schema(db: &Db) -> Vec<String> {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(
            "SELECT m.name || ' ON ' || m.tbl_name || ' (' || group_concat(i.name, ', ') || ')' \
             FROM catalog.sqlite_master m, pragma_index_info(m.name, 'catalog') i \
             WHERE m.type = 'index' GROUP BY m.name ORDER BY 1",
        )
        .fetch_all(pool)
        .await,
        Db::Postgres(pool) => {
            sqlx::query_scalar(
                "SELECT indexdef::text FROM pg_indexes WHERE schemaname = 'catalog' \
             UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE connamespace = 'catalog'::regnamespace ORDER BY 1",
            )
            .fetch_all(pool)
            .await
        }
    }
    .expect("schema")
}

/// The `(key, value)` pairs of the search table, in `order` (`ctid`: as stored).
async fn search_pairs(db: &Db, order: &str) -> Vec<(String, Option<String>)> {
    let sql = format!("SELECT key, value FROM catalog.search ORDER BY {order}");
    trellis_store::with_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)
        .expect("search rows")
}

/// Adjacent pairs out of byte order (NULL values last).
fn descents(pairs: &[(String, Option<String>)]) -> usize {
    let key = |(k, v): &(String, Option<String>)| (k.clone(), v.is_none(), v.clone());
    pairs.windows(2).filter(|w| key(&w[0]) > key(&w[1])).count()
}

/// The relations as `(type, target_ref, source_ref, emitted_by)`, in `order`.
async fn relation_rows(db: &Db, order: &str) -> Vec<(String, String, String, String)> {
    let sql = format!(
        "SELECT type, target_ref, source_ref, emitted_by FROM catalog.relations ORDER BY {order}"
    );
    trellis_store::with_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)
        .expect("relations")
}

/// A first ingest big enough for bulk mode drops and rebuilds the search and relations indexes
/// (and on PostgreSQL the trigram index) inside its transaction (on PostgreSQL writing the
/// search rows and relations in index order); afterwards the schema is exactly the migrated
/// one and queries see every row.
async fn bulk_loads_rebuild_indexes_and_answer_the_same(backend: TestBackend) {
    use trellis_catalog::store::{count, query_entities};
    use trellis_shared::catalog::query::{EntityQuery, Filter};
    let (_test_db, db) = common::migrated(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let n = 6000;
    let docs: Vec<String> = (0..n)
        .map(|i| {
            let owner = format!("team-{}", i % 7);
            ENTITY
                .replace("NAME", &format!("svc-{i}"))
                .replace("team-a", &owner)
                + &format!("  dependsOn: [component:svc-{}]\n", (i + 1) % n)
        })
        .collect();
    for (i, part) in docs.chunks(1000).enumerate() {
        std::fs::write(
            dir.path().join(format!("part-{i}.yaml")),
            part.join("---\n"),
        )
        .expect("write");
    }
    let spec = LocationSpec::file(dir.path().display().to_string());
    let read = read_locations(std::slice::from_ref(&spec), &ReadOptions::default());
    assert_eq!(read.entities.len(), n);
    let migrated = schema(&db).await;
    assert!(migrated.len() > 10, "{migrated:?}");
    let registered: BTreeSet<String> = [spec.key()].into_iter().collect();
    let summary = apply_read(&db, &read, &registered, Utc::now())
        .await
        .expect("apply");
    assert_eq!(summary.added, n);
    assert_eq!(
        schema(&db).await,
        migrated,
        "indexes and constraints are back exactly as the migrations made them"
    );
    if matches!(db, Db::Postgres(_)) {
        // PostgreSQL bulk loads write the search rows sorted; into an empty table they land in
        // that order (the load truncates it first, so the free-space map is not consulted).
        let (stored, sorted) = (
            search_pairs(&db, "ctid").await,
            search_pairs(&db, "key, value NULLS LAST").await,
        );
        assert!(stored.len() > n * 5, "{} search rows", stored.len());
        assert_eq!(
            descents(&sorted),
            0,
            "byte order with NULLs last is PostgreSQL's"
        );
        assert_eq!(
            descents(&stored),
            0,
            "the search rows were loaded in the order of their (key, value) index"
        );
        // So are the relations, in the order of (type, target_ref, source_ref, emitted_by).
        let relations = relation_rows(&db, "ctid").await;
        assert!(relations.len() >= n * 4, "{} relations", relations.len());
        let out_of_order = relations.windows(2).filter(|w| w[0] > w[1]).count();
        assert_eq!(out_of_order, 0, "relations loaded in index order");
        assert_eq!(
            relations,
            relation_rows(&db, "type, target_ref, source_ref, emitted_by").await,
            "byte order is PostgreSQL's"
        );
    }
    let owned = EntityQuery {
        filter: Filter::parse(&["relations.ownedBy=group:default/team-3"]).expect("f"),
        ..Default::default()
    };
    let expected = (0..n).filter(|i| i % 7 == 3).count() as u64;
    assert_eq!(count(&db, &owned).await.expect("count"), expected);
    let deps = EntityQuery {
        filter: Filter::parse(&["relations.dependencyOf=component:default/svc-0"]).expect("f"),
        ..Default::default()
    };
    let page = query_entities(&db, &deps, 10, None).await.expect("query");
    assert_eq!(page.entities.len(), 1, "svc-1 is a dependency of svc-0");
    // Terms of one or two characters are counted from their index (on PostgreSQL from the
    // counts that a bulk load makes once at its end), and paged.
    for (term, matches) in [
        ("s", n),
        ("9", (0..n).filter(|i| i.to_string().contains('9')).count()),
        (
            "99",
            (0..n).filter(|i| i.to_string().contains("99")).count(),
        ),
    ] {
        let query = EntityQuery {
            full_text: Some(trellis_shared::catalog::query::FullText {
                term: term.into(),
                fields: vec![],
            }),
            ..Default::default()
        };
        let page = query_entities(&db, &query, 5, None).await.expect("query");
        assert_eq!(page.total as usize, matches, "{term}");
        assert_eq!(page.entities.len(), 5, "{term}");
    }
    let again = apply_read(&db, &read, &registered, Utc::now())
        .await
        .expect("apply");
    assert_eq!(
        again.unchanged, n,
        "a no-op refresh after a bulk load writes nothing"
    );
}
