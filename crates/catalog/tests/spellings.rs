//! `kind`, `metadata.name` and `metadata.namespace` live in columns of the entities table, not
//! in search rows: facets still show them as written, and full-text queries naming them as
//! fields still find them, on SQLite and PostgreSQL.

mod common;

use std::collections::BTreeMap;

use trellis_catalog::store::query_entities;
use trellis_catalog::LocationSpec;
use trellis_shared::catalog::query::{EntityQuery, Filter, FullText};
use trellis_store::{with_pool, Db};
use trellis_test_kit::{on_both, TestBackend};

on_both!(spellings_come_from_the_entities_table);

const CATALOG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: PetStore}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: component
metadata: {name: lower-case, namespace: ops}
spec: {type: website, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: Shop}
spec: {owner: team-a}
";

fn expected(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(v, n)| (v.to_string(), *n)).collect()
}

async fn names(db: &Db, term: &str, fields: &[&str]) -> Vec<String> {
    let query = EntityQuery {
        full_text: Some(FullText {
            term: term.into(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }),
        ..EntityQuery::default()
    };
    let page = query_entities(db, &query, 100, None).await.expect("query");
    assert_eq!(
        page.total as usize,
        page.entities.len(),
        "{term} {fields:?}"
    );
    let mut names: Vec<String> = page
        .entities
        .iter()
        .map(|e| e.metadata.name.clone())
        .collect();
    names.sort();
    names
}

async fn spellings_come_from_the_entities_table(backend: TestBackend) {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("catalog-info.yaml");
    std::fs::write(&file, CATALOG).expect("write");
    let spec = LocationSpec::file(file.display().to_string());
    let (_guard, db, read) = common::stored(backend, &spec).await;
    assert_eq!(read.entities.len(), 3, "{:?}", read.issues);

    let rows: i64 = with_pool!(&db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM catalog.search \
         WHERE key IN ('kind', 'metadata.name', 'metadata.namespace')"
    )
    .fetch_one(pool)
    .await)
    .expect("count");
    assert_eq!(rows, 0, "these keys are columns of the entities table");

    let all = EntityQuery::default();
    assert_eq!(
        common::facet_counts(&db, "kind", &all).await,
        expected(&[("Component", 1), ("component", 1), ("System", 1)])
    );
    assert_eq!(
        common::facet_counts(&db, "metadata.name", &all).await,
        expected(&[("PetStore", 1), ("lower-case", 1), ("Shop", 1)])
    );
    assert_eq!(
        common::facet_counts(&db, "metadata.namespace", &all).await,
        expected(&[("default", 2), ("ops", 1)])
    );
    let components = EntityQuery {
        filter: Filter::parse(&["kind=component,spec.lifecycle=production"]).expect("filter"),
        ..EntityQuery::default()
    };
    assert_eq!(
        common::facet_counts(&db, "kind", &components).await,
        expected(&[("Component", 1), ("component", 1)])
    );
    assert_eq!(
        common::facet_counts(&db, "metadata.name", &components).await,
        expected(&[("PetStore", 1), ("lower-case", 1)])
    );

    assert_eq!(names(&db, "sys", &["kind"]).await, ["Shop"]);
    assert_eq!(
        names(&db, "o", &["metadata.namespace"]).await,
        ["lower-case"]
    );
    assert_eq!(
        names(&db, "pet", &["metadata.name", "spec.type"]).await,
        ["PetStore"]
    );
    assert_eq!(
        names(&db, "web", &["metadata.name", "spec.type"]).await,
        ["lower-case"]
    );
    // A short term searches the default fields through the search rows and the name column.
    assert_eq!(names(&db, "sh", &[]).await, ["Shop"]);
    assert_eq!(
        names(&db, "_", &["metadata.name"]).await,
        Vec::<String>::new()
    );
}
