//! Backstage's create-app example catalog and org (what every new Backstage app starts with,
//! from the npm package `@backstage/create-app`) read unchanged: every kind, the relations
//! Backstage derives, and the Template of the scaffolder.

use std::collections::BTreeMap;

use trellis_catalog::{read_locations, LocationSpec, ReadOptions};
use trellis_shared::catalog::relations::{by_source, emitted_by};
use trellis_test_kit::fixtures::create_app_examples;

#[test]
fn reads_create_apps_examples_unchanged() {
    let dir = create_app_examples();
    let specs: Vec<LocationSpec> = ["entities.yaml", "org.yaml", "template/template.yaml"]
        .iter()
        .map(|f| LocationSpec::file(dir.join(f).display().to_string()))
        .collect();
    let read = read_locations(&specs, &ReadOptions::default());
    assert!(read.issues.is_empty(), "{:#?}", read.issues);
    let mut kinds: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &read.entities {
        kinds
            .entry(e.entity.kind.as_str())
            .or_default()
            .push(e.entity.metadata.name.as_str());
    }
    let expected: BTreeMap<&str, Vec<&str>> = [
        ("API", vec!["example-grpc-api"]),
        ("Component", vec!["example-website"]),
        ("Group", vec!["guests"]),
        ("System", vec!["examples"]),
        ("Template", vec!["example-nodejs-template"]),
        ("User", vec!["guest"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expected);

    let relations: Vec<_> = read
        .entities
        .iter()
        .flat_map(|e| emitted_by(&e.entity).0)
        .collect();
    let of = |source: &str| -> Vec<(String, String)> {
        by_source(&relations)
            .get(source)
            .map(|list| {
                list.iter()
                    .map(|r| (r.relation_type.clone(), r.target_ref.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let website = of("component:default/example-website");
    for expected in [
        ("ownedBy", "group:default/guests"),
        ("partOf", "system:default/examples"),
        ("providesApi", "api:default/example-grpc-api"),
    ] {
        assert!(
            website.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {website:?}"
        );
    }
    // The template's owner is written `user:guest`: a kind-qualified ref in the default
    // namespace, so the user owns it.
    assert_eq!(
        of("user:default/guest"),
        vec![
            ("memberOf".to_string(), "group:default/guests".to_string()),
            (
                "ownerOf".to_string(),
                "template:default/example-nodejs-template".to_string()
            )
        ]
    );
    assert!(of("template:default/example-nodejs-template")
        .contains(&("ownedBy".into(), "user:default/guest".into())));
    let api = read
        .entities
        .iter()
        .find(|e| e.entity.kind == "API")
        .expect("api");
    assert!(api
        .entity
        .spec_str("definition")
        .unwrap_or_default()
        .contains("service Exampler"));
}
