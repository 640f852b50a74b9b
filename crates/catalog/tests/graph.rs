//! Dependency graph and impact analysis over the demo catalog, on SQLite and PostgreSQL, checked
//! against the same walk done directly over the descriptors' `spec` fields.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use trellis_catalog::store::{impact, neighborhood};
use trellis_catalog::{CatalogRead, LocationSpec};
use trellis_shared::catalog::{Entity, EntityRef};
use trellis_store::Db;
use trellis_test_kit::{on_both, TestBackend, TestDatabase};

on_both!(impact_matches_the_descriptors, neighborhood_has_both_sides);

async fn demo_db(backend: TestBackend) -> (TestDatabase, Db, CatalogRead) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/catalog/all.yaml");
    let spec = LocationSpec::file(file.display().to_string());
    let (test_db, db, read) = common::stored(backend, &spec).await;
    assert!(
        read.issues.is_empty(),
        "the demo catalog reads cleanly: {:?}",
        read.issues
    );
    assert!(read.entities.len() > 250, "a few hundred entities");
    (test_db, db, read)
}

fn refs(e: &Entity, field: &str, default_kind: &str) -> Vec<String> {
    e.spec_strings(field)
        .into_iter()
        .filter_map(|t| EntityRef::parse(t, Some(default_kind), Some(e.namespace())).ok())
        .map(|r| r.canonical())
        .collect()
}

/// who-needs-whom straight from the descriptors: dependency -> dependents.
fn dependents(read: &CatalogRead) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &read.entities {
        let e = &item.entity;
        let me = e.entity_ref().canonical();
        for dep in refs(e, "dependsOn", "component") {
            out.entry(dep).or_default().insert(me.clone());
        }
        for api in refs(e, "consumesApis", "api") {
            out.entry(api).or_default().insert(me.clone());
        }
        for api in refs(e, "providesApis", "api") {
            out.entry(me.clone()).or_default().insert(api);
        }
        for dependent in refs(e, "dependencyOf", "component") {
            out.entry(me.clone()).or_default().insert(dependent);
        }
    }
    out
}

async fn impact_matches_the_descriptors(backend: TestBackend) {
    let (_guard, db, read) = demo_db(backend).await;
    let graph = dependents(&read);
    for center in [
        "component:default/config-service",
        "component:default/auth-service",
        "resource:default/feature-store-db",
    ] {
        let mut expected: BTreeMap<String, u32> = BTreeMap::new();
        let mut queue = VecDeque::from([(center.to_string(), 0u32)]);
        while let Some((node, depth)) = queue.pop_front() {
            for d in graph.get(&node).into_iter().flatten() {
                if d != center && !expected.contains_key(d) {
                    expected.insert(d.clone(), depth + 1);
                    queue.push_back((d.clone(), depth + 1));
                }
            }
        }
        let got = impact(&db, center, None).await.expect("impact");
        let got_map: BTreeMap<String, u32> = got
            .impacted
            .iter()
            .map(|i| (i.entity_ref.clone(), i.depth))
            .collect();
        assert_eq!(got_map, expected, "impact of {center}");
        if center.ends_with("config-service") {
            assert!(
                expected.len() > 20,
                "config-service is widely used: {}",
                expected.len()
            );
        }
        let owned: u32 = got.owners.iter().map(|(_, n)| n).sum();
        let with_owner = got.impacted.iter().filter(|i| !i.owners.is_empty()).count();
        assert!(with_owner > 0 || expected.is_empty());
        assert!(owned as usize >= with_owner);
        for item in &got.impacted {
            assert!(
                item.via == center || got_map.contains_key(&item.via),
                "{item:?} reached through a known node"
            );
        }
    }
    assert!(impact(&db, "component:default/no-such-thing", None)
        .await
        .expect("impact")
        .impacted
        .is_empty());
}

async fn neighborhood_has_both_sides(backend: TestBackend) {
    let (_guard, db, read) = demo_db(backend).await;
    let center = "component:default/config-service";
    let graph = dependents(&read);
    let hood = neighborhood(&db, center, 1, 200, None)
        .await
        .expect("graph");
    let left: BTreeSet<String> = hood
        .nodes
        .iter()
        .filter(|n| n.column == -1)
        .map(|n| n.entity_ref.clone())
        .collect();
    let expected_left: BTreeSet<String> = graph.get(center).cloned().unwrap_or_default();
    assert_eq!(left, expected_left, "direct dependents on the left");
    let right: BTreeSet<String> = hood
        .nodes
        .iter()
        .filter(|n| n.column == 1)
        .map(|n| n.entity_ref.clone())
        .collect();
    let entity = read
        .entities
        .iter()
        .find(|e| e.entity.entity_ref().canonical() == center)
        .expect("centre");
    let mut expected_right: BTreeSet<String> = refs(&entity.entity, "dependsOn", "component")
        .into_iter()
        .collect();
    expected_right.extend(refs(&entity.entity, "consumesApis", "api"));
    expected_right.extend(refs(&entity.entity, "system", "system"));
    assert_eq!(right, expected_right, "what it needs on the right");
    assert!(hood.edges.iter().all(|e| e.from != e.to));
    assert!(
        hood.nodes.iter().all(|n| n.known),
        "every demo reference resolves"
    );
    let small = neighborhood(&db, center, 2, 5, None).await.expect("graph");
    assert_eq!(small.nodes.len(), 5);
    assert!(small.truncated > 0);
}
