//! `totalItems` of "kind + relation" queries, which are counted from the relations index: the
//! count agrees with the entities the same query returns, on SQLite and PostgreSQL, including
//! relations whose source does not exist and relations emitted by both of their ends; their
//! pages (read from the relations index in ref order) walk both ways with cursors.

mod common;

use std::collections::BTreeSet;

use chrono::Utc;
use trellis_catalog::store::{apply_read, count, query_entities};
use trellis_catalog::{read_locations, LocationSpec, ReadOptions};
use trellis_shared::catalog::query::{EntityQuery, Filter};
use trellis_test_kit::{on_both, TestBackend};

on_both!(relation_counts_match_the_returned_entities);

/// `platform` lists children `web`, `ghost` (not in the catalog) and `data`; `web` also names
/// its parent; `data` does not; `api-team` is a child of `web`. Components are owned by teams.
const CATALOG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform}
spec: {type: department, children: [web, ghost, data]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web}
spec: {type: team, parent: platform, children: [api-team]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: data}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: api-team}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: shop}
spec: {type: website, lifecycle: production, owner: web}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: cart}
spec: {type: service, lifecycle: production, owner: group:web}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: cart-api}
spec: {type: openapi, lifecycle: production, owner: web, definition: x}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: db}
spec: {type: database, owner: data}
";

async fn relation_counts_match_the_returned_entities(backend: TestBackend) {
    let (_test_db, db) = common::migrated(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("catalog.yaml");
    std::fs::write(&file, CATALOG).expect("write");
    let spec = LocationSpec::file(file.display().to_string());
    let read = read_locations(std::slice::from_ref(&spec), &ReadOptions::default());
    assert!(read.issues.is_empty(), "{:?}", read.issues);
    let registered: BTreeSet<String> = [spec.key()].into_iter().collect();
    apply_read(&db, &read, &registered, Utc::now())
        .await
        .expect("apply");
    let cases: [(&[&str], u64); 8] = [
        (&["kind=group,relations.childOf=group:default/platform"], 2),
        (&["relations.childOf=group:default/platform"], 2),
        (&["kind=component,relations.ownedBy=group:default/web"], 2),
        (
            &["kind=component,kind=api,relations.ownedBy=group:default/web"],
            3,
        ),
        (&["kind=Component,relations.OWNEDBY=group:default/web"], 2),
        (
            &["relations.ownedBy=group:default/web,relations.ownedBy=group:default/data"],
            4,
        ),
        (&["kind=resource,relations.ownedBy=group:default/web"], 0),
        (&["kind=group,relations.parentOf=group:default/api-team"], 1),
    ];
    for (params, expected) in cases {
        let query = EntityQuery {
            filter: Filter::parse(params).expect("filter"),
            ..EntityQuery::default()
        };
        let page = query_entities(&db, &query, 100, None).await.expect("query");
        assert_eq!(
            page.entities.len() as u64,
            expected,
            "entities of {params:?}"
        );
        assert_eq!(page.total, expected, "totalItems of {params:?}");
        assert_eq!(
            count(&db, &query).await.expect("count"),
            expected,
            "{params:?}"
        );
    }
}
