//! Shared setup of the catalog's integration tests: a fresh migrated database on the engine
//! asked for, holding what one location reads.

use std::collections::BTreeSet;

use chrono::Utc;
use trellis_catalog::store::apply_read;
use trellis_catalog::{read_locations, CatalogRead, LocationSpec, ReadOptions};
use trellis_store::{Db, DbOptions};
use trellis_test_kit::{TestBackend, TestDatabase};

/// A fresh, migrated database on `backend`, and the guard that drops it.
#[allow(dead_code)] // not every test binary that shares this module uses it
pub async fn migrated(backend: TestBackend) -> (TestDatabase, Db) {
    let test_db = TestDatabase::new(backend).await;
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .expect("connect");
    trellis_catalog::migrate(&db).await.expect("migrate");
    (test_db, db)
}

/// Reads `spec`, stores it in a new database and returns the guard, the handle and the read.
#[allow(dead_code)] // not every test binary that shares this module uses it
pub async fn stored(backend: TestBackend, spec: &LocationSpec) -> (TestDatabase, Db, CatalogRead) {
    let read = read_locations(std::slice::from_ref(spec), &ReadOptions::default());
    let (test_db, db) = migrated(backend).await;
    let registered: BTreeSet<String> = [spec.key()].into_iter().collect();
    apply_read(&db, &read, &registered, Utc::now())
        .await
        .expect("apply");
    (test_db, db, read)
}

/// Derived rows (search, relations, full text) whose entity is gone: must always be none.
#[allow(dead_code)] // not every test binary that shares this module checks it
pub async fn orphans(db: &Db) -> i64 {
    let sql = "SELECT (SELECT COUNT(*) FROM catalog.search s WHERE NOT EXISTS (SELECT 1 FROM catalog.entities e WHERE e.entity_ref = s.entity_ref)) \
               + (SELECT COUNT(*) FROM catalog.relations r WHERE NOT EXISTS (SELECT 1 FROM catalog.entities e WHERE e.entity_ref = r.emitted_by)) \
               + (SELECT COUNT(*) FROM catalog.entity_text t WHERE NOT EXISTS (SELECT 1 FROM catalog.entities e WHERE e.entity_ref = t.entity_ref)) \
               + (SELECT COUNT(*) FROM catalog.entity_grams g WHERE NOT EXISTS (SELECT 1 FROM catalog.entities e WHERE e.entity_ref = g.entity_ref))";
    let n: Result<i64, sqlx::Error> = match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    };
    n.expect("count orphans")
}

/// Reads `spec` again and applies it to `db`, as a refresh does.
#[allow(dead_code)] // not every test binary that shares this module uses it
pub async fn reapply(db: &Db, spec: &LocationSpec) {
    let read = read_locations(std::slice::from_ref(spec), &ReadOptions::default());
    let registered: BTreeSet<String> = [spec.key()].into_iter().collect();
    apply_read(db, &read, &registered, Utc::now())
        .await
        .expect("apply");
}

/// Value counts of `facet` among the entities matching `query`, by value as written.
#[allow(dead_code)] // not every test binary that shares this module uses it
pub async fn facet_counts(
    db: &Db,
    facet: &str,
    query: &trellis_shared::catalog::query::EntityQuery,
) -> std::collections::BTreeMap<String, u64> {
    let got = trellis_catalog::store::facets(db, &[facet.to_string()], query)
        .await
        .expect("facets");
    got[facet]
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect()
}
