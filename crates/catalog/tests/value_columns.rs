//! `apiVersion` and the location annotations live in columns of the entities table, not in
//! search rows, and answer filters, `exists`, facets, sorts and full-text fields exactly as
//! search rows would: values in any case, spellings as written, values over 200 characters
//! kept only as "exists", entities without the key last in a sort. On SQLite and PostgreSQL.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use trellis_catalog::store::{apply_read, query_entities};
use trellis_catalog::{read_locations, LocationSpec, ReadOptions};
use trellis_shared::catalog::query::{EntityQuery, Filter, FullText, Order, OrderField};
use trellis_shared::catalog::{ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION};
use trellis_store::{with_pool, Db, DbOptions};
use trellis_test_kit::{on_both, TestBackend};

on_both!(value_columns_answer_like_search_rows);

const LOCATION: &str = "metadata.annotations.backstage.io/managed-by-location";

fn component(name: &str, api_version: &str) -> String {
    format!("apiVersion: {api_version}\nkind: Component\nmetadata: {{name: {name}}}\nspec: {{type: service, lifecycle: production, owner: team-a}}\n")
}

async fn names(db: &Db, query: EntityQuery) -> Vec<String> {
    let page = query_entities(db, &query, 100, None).await.expect("query");
    assert_eq!(page.total as usize, page.entities.len());
    page.entities
        .iter()
        .map(|e| e.metadata.name.clone())
        .collect()
}

fn filtered(filter: &str) -> EntityQuery {
    EntityQuery {
        filter: Filter::parse(&[filter]).expect("filter"),
        ..EntityQuery::default()
    }
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

async fn value_columns_answer_like_search_rows(backend: TestBackend) {
    let dir = tempfile::tempdir().expect("dir");
    // A directory whose name makes the second file's location longer than 200 characters.
    let deep = dir.path().join(format!("Deep{}", "d".repeat(200)));
    std::fs::create_dir(&deep).expect("mkdir");
    let short = dir.path().join("Short.yaml");
    let long = deep.join("long.yaml");
    let docs = [
        component("plain", "backstage.io/v1alpha1"),
        component("versioned", "example.com/V2"),
        component("bare", "backstage.io/v1alpha1"),
    ];
    std::fs::write(&short, docs.join("---\n")).expect("write");
    std::fs::write(&long, component("far", "backstage.io/v1alpha1")).expect("write");
    let specs = [
        LocationSpec::file(short.display().to_string()),
        LocationSpec::file(long.display().to_string()),
    ];
    let mut read = read_locations(&specs, &ReadOptions::default());
    assert_eq!(read.entities.len(), 4, "{:?}", read.issues);
    // A provider may write entities without the location annotations.
    for e in read
        .entities
        .iter_mut()
        .filter(|e| e.entity.metadata.name == "bare")
    {
        e.entity.metadata.annotations.remove(ANNOTATION_LOCATION);
        e.entity
            .metadata
            .annotations
            .remove(ANNOTATION_ORIGIN_LOCATION);
    }
    let (guard, db) = common::migrated(backend).await;
    let registered: BTreeSet<String> = specs.iter().map(LocationSpec::key).collect();
    apply_read(&db, &read, &registered, Utc::now())
        .await
        .expect("apply");

    check(&db, &short, &long).await;

    // Data stored before these keys were columns (as search rows) is carried over by the
    // migration: turn the columns back into search rows, undo the migration, migrate again.
    for sql in OLD_FORM {
        with_pool!(&db, pool => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()))
            .expect(sql);
    }
    // Migrate through new connections, as a restarted server would: a SQLite connection that
    // last read the schema before the columns were dropped still sees them when it parses the
    // migration's `ADD COLUMN` ("duplicate column name").
    drop(db);
    let db = Db::connect(&guard.url, &DbOptions::default())
        .await
        .expect("reconnect");
    trellis_catalog::migrate(&db).await.expect("migrate");
    check(&db, &short, &long).await;
}

/// Statements turning the three columns back into search rows, as stored before migration
/// `20261127030000` (values over 200 characters as a key without value), and forgetting it.
const OLD_FORM: [&str; 11] = [
    "INSERT INTO catalog.search (entity_ref, key, value, original_value) \
     SELECT entity_ref, 'apiversion', api_version, \
     CASE WHEN api_version IS NULL THEN NULL ELSE api_version_spelled END \
     FROM catalog.entities WHERE api_version IS NOT NULL OR api_version_spelled IS NOT NULL",
    "INSERT INTO catalog.search (entity_ref, key, value, original_value) \
     SELECT entity_ref, 'metadata.annotations.backstage.io/managed-by-location', managed_by_location, \
     CASE WHEN managed_by_location IS NULL THEN NULL ELSE managed_by_location_spelled END \
     FROM catalog.entities \
     WHERE managed_by_location IS NOT NULL OR managed_by_location_spelled IS NOT NULL",
    "INSERT INTO catalog.search (entity_ref, key, value, original_value) \
     SELECT entity_ref, 'metadata.annotations.backstage.io/managed-by-origin-location', \
     managed_by_origin_location, CASE WHEN managed_by_origin_location IS NULL THEN NULL \
     ELSE managed_by_origin_location_spelled END FROM catalog.entities \
     WHERE managed_by_origin_location IS NOT NULL OR managed_by_origin_location_spelled IS NOT NULL",
    "DROP INDEX catalog.entities_origin_location",
    "ALTER TABLE catalog.entities DROP COLUMN api_version",
    "ALTER TABLE catalog.entities DROP COLUMN api_version_spelled",
    "ALTER TABLE catalog.entities DROP COLUMN managed_by_location",
    "ALTER TABLE catalog.entities DROP COLUMN managed_by_location_spelled",
    "ALTER TABLE catalog.entities DROP COLUMN managed_by_origin_location",
    "ALTER TABLE catalog.entities DROP COLUMN managed_by_origin_location_spelled",
    "DELETE FROM _sqlx_migrations WHERE version = 20261127030000",
];

async fn check(db: &Db, short: &std::path::Path, long: &std::path::Path) {
    let rows: i64 = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM catalog.search WHERE key IN ('apiversion', \
         'metadata.annotations.backstage.io/managed-by-location', \
         'metadata.annotations.backstage.io/managed-by-origin-location')"
    )
    .fetch_one(pool)
    .await)
    .expect("count");
    assert_eq!(rows, 0, "these keys are columns of the entities table");

    // Values match in any case; a value over 200 characters matches nothing but exists.
    assert_eq!(
        names(db, filtered("apiVersion=EXAMPLE.com/v2")).await,
        ["versioned"]
    );
    let short_location = format!("file:{}", short.display());
    let long_location = format!("file:{}", long.display());
    assert_eq!(
        sorted(names(db, filtered(&format!("{LOCATION}={short_location}"))).await),
        ["plain", "versioned"]
    );
    assert!(names(db, filtered(&format!("{LOCATION}={long_location}")))
        .await
        .is_empty());
    assert_eq!(
        sorted(names(db, filtered(LOCATION)).await),
        ["far", "plain", "versioned"]
    );
    assert_eq!(names(db, filtered("apiVersion")).await.len(), 4);

    // Facets show values as written and leave out the ones too long to keep.
    let expected = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
        pairs.iter().map(|(v, n)| (v.to_string(), *n)).collect()
    };
    assert_eq!(
        common::facet_counts(db, "apiVersion", &EntityQuery::default()).await,
        expected(&[("backstage.io/v1alpha1", 3), ("example.com/V2", 1)])
    );
    assert_eq!(
        common::facet_counts(db, LOCATION, &EntityQuery::default()).await,
        expected(&[(short_location.as_str(), 2)])
    );

    // Sorts: by the lower-case value; entities without one (absent or too long) last.
    let by_location = EntityQuery {
        order: vec![OrderField {
            field: LOCATION.into(),
            order: Order::Desc,
        }],
        ..EntityQuery::default()
    };
    assert_eq!(
        names(db, by_location).await,
        ["plain", "versioned", "bare", "far"]
    );

    // Full-text fields that are columns.
    let text = |term: &str, field: &str| EntityQuery {
        full_text: Some(FullText {
            term: term.into(),
            fields: vec![field.into()],
        }),
        ..EntityQuery::default()
    };
    assert_eq!(names(db, text("com/v2", "apiversion")).await, ["versioned"]);
    assert_eq!(
        sorted(names(db, text("short.yaml", LOCATION)).await),
        ["plain", "versioned"]
    );
}
