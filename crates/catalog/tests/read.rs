//! Reading locations: Backstage's larger example catalog (optional, see
//! `trellis_test_kit::fixtures`), and every way a file can be wrong.

use std::collections::BTreeMap;
use std::path::Path;

use trellis_catalog::{read_locations, CatalogRead, Level, LocationSpec, ReadOptions};
use trellis_shared::catalog::relations::{by_source, emitted_by};

fn read(dir: &Path, targets: &[&str]) -> CatalogRead {
    let specs: Vec<LocationSpec> = targets
        .iter()
        .map(|t| LocationSpec::file(dir.join(t).display().to_string()))
        .collect();
    read_locations(&specs, &ReadOptions::default())
}

fn relation_pairs(read: &CatalogRead, source: &str) -> Vec<(String, String)> {
    let all: Vec<_> = read
        .entities
        .iter()
        .flat_map(|e| emitted_by(&e.entity).0)
        .collect();
    by_source(&all)
        .get(source)
        .map(|list| {
            list.iter()
                .map(|r| (r.relation_type.clone(), r.target_ref.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
#[ignore = "needs ../shared/fixtures/backstage-examples beside the checkout (scripts/test.sh runs it when present)"]
fn ingests_backstages_example_catalog_unchanged() {
    let dir = trellis_test_kit::fixtures::backstage_examples();
    let read = read(&dir, &["all.yaml", "acme-corp.yaml"]);
    let errors: Vec<_> = read
        .issues
        .iter()
        .filter(|i| i.level == Level::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &read.entities {
        *kinds.entry(e.entity.kind.as_str()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("API", 10),
        ("AiResource", 2),
        ("Component", 13),
        ("Domain", 3),
        ("Group", 8),
        ("Location", 9),
        ("Resource", 1),
        ("System", 3),
        ("User", 17),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expected);
    // Only the three URL placeholders are not resolved (nothing is fetched from the network).
    let warnings: Vec<_> = read
        .issues
        .iter()
        .filter(|i| i.level == Level::Warning)
        .filter_map(|i| i.entity_ref.clone())
        .collect();
    assert_eq!(
        warnings,
        vec![
            "api:default/spotify",
            "api:default/wayback-archive",
            "api:default/wayback-search"
        ]
    );
    // The relative $text placeholder is resolved to the file's content.
    let webhook = read
        .entities
        .iter()
        .find(|e| e.entity.metadata.name == "petstore-webhook")
        .expect("webhook api");
    assert!(
        webhook
            .entity
            .spec_str("definition")
            .unwrap_or_default()
            .contains("openapi"),
        "definition read from petstore-webhook.oas.yaml"
    );

    assert_eq!(
        relation_pairs(&read, "component:default/artist-lookup"),
        pairs(&[
            ("ownedBy", "group:default/team-a"),
            ("partOf", "system:default/artist-engagement-portal")
        ])
    );
    assert_eq!(
        relation_pairs(&read, "domain:default/artists"),
        pairs(&[
            ("hasPart", "system:default/artist-engagement-portal"),
            ("ownedBy", "group:default/team-a"),
            ("partOf", "domain:default/audio")
        ])
    );
    let team_a = relation_pairs(&read, "group:default/team-a");
    assert!(
        team_a.contains(&("hasMember".into(), "user:default/breanna.davison".into())),
        "{team_a:?}"
    );
    assert!(
        team_a.contains(&("childOf".into(), "group:default/backstage".into())),
        "{team_a:?}"
    );
    assert!(
        team_a.contains(&("ownerOf".into(), "component:default/artist-lookup".into())),
        "{team_a:?}"
    );
    let user = relation_pairs(&read, "user:default/breanna.davison");
    assert_eq!(user, pairs(&[("memberOf", "group:default/team-a")]));

    let location = &read
        .entities
        .iter()
        .find(|e| e.entity.metadata.name == "artist-lookup")
        .expect("component")
        .entity;
    let annotations = &location.metadata.annotations;
    assert!(annotations["backstage.io/managed-by-location"]
        .ends_with("components/artist-lookup-component.yaml"));
    assert!(annotations["backstage.io/managed-by-origin-location"].ends_with("all.yaml"));
    assert_eq!(location.metadata.namespace.as_deref(), Some("default"));
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

const GOOD: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: good\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

#[test]
fn one_bad_document_blocks_nothing_else() {
    let dir = tempfile::tempdir().expect("dir");
    let text = format!("{GOOD}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bad name\nspec:\n  type: service\n  lifecycle: x\n  owner: y\n---\n{}", GOOD.replace("good", "also-good"));
    let file = write(dir.path(), "catalog-info.yaml", &text);
    let read = read_locations(&[LocationSpec::file(&file)], &ReadOptions::default());
    let names: Vec<_> = read
        .entities
        .iter()
        .map(|e| e.entity.metadata.name.as_str())
        .collect();
    assert_eq!(names, vec!["good", "also-good"]);
    assert_eq!(read.issues.len(), 1);
    let issue = &read.issues[0];
    assert_eq!(
        (issue.level, issue.document, issue.entity_ref.as_deref()),
        (Level::Error, Some(1), Some("component:default/bad name"))
    );
    assert!(issue.file.ends_with("catalog-info.yaml"));
    assert!(issue.message.contains("metadata.name"), "{}", issue.message);
}

#[test]
fn unreadable_files_are_reported_and_remembered() {
    let dir = tempfile::tempdir().expect("dir");
    let big = write(
        dir.path(),
        "big.yaml",
        &format!("{GOOD}# {}\n", "x".repeat(2000)),
    );
    let broken = write(dir.path(), "broken.yaml", "kind: [unclosed\n");
    std::fs::write(dir.path().join("latin1.yaml"), b"name: caf\xe9\n").expect("write");
    let latin1 = dir.path().join("latin1.yaml").display().to_string();
    let missing = dir.path().join("missing.yaml").display().to_string();
    let options = ReadOptions {
        max_file_bytes: 1000,
        ..ReadOptions::default()
    };
    let specs: Vec<_> = [&big, &broken, &latin1, &missing]
        .iter()
        .map(|t| LocationSpec::file(t.as_str()))
        .collect();
    let read = read_locations(&specs, &options);
    assert!(read.entities.is_empty());
    let messages: Vec<_> = read.issues.iter().map(|i| i.message.as_str()).collect();
    assert!(
        messages[0].contains("over the 1000-byte limit"),
        "{messages:?}"
    );
    assert!(messages[1].contains("invalid YAML"), "{messages:?}");
    assert!(messages[2].contains("not UTF-8"), "{messages:?}");
    assert!(messages[3].contains("cannot read"), "{messages:?}");
    for file in [&big, &broken, &latin1, &missing] {
        assert!(
            read.unreadable_files.contains(file),
            "{file} remembered as unreadable: {:?}",
            read.unreadable_files
        );
    }
}

#[test]
fn globs_directories_and_nested_locations_are_followed_once() {
    let dir = tempfile::tempdir().expect("dir");
    write(
        dir.path(),
        "services/a/catalog-info.yaml",
        &GOOD.replace("good", "a"),
    );
    write(
        dir.path(),
        "services/b/catalog-info.yml",
        &GOOD.replace("good", "b"),
    );
    write(dir.path(), "services/b/notes.txt", "not yaml");
    let loc = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./services\n    - ./root.yaml\n";
    let root = write(dir.path(), "root.yaml", loc);
    let glob = dir
        .path()
        .join("services/*/catalog-info.y*ml")
        .display()
        .to_string();
    let read = read_locations(
        &[LocationSpec::file(&root), LocationSpec::file(&glob)],
        &ReadOptions::default(),
    );
    let mut names: Vec<_> = read
        .entities
        .iter()
        .map(|e| e.entity.metadata.name.as_str())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["a", "b", "root"],
        "each file read once despite the cycle and the overlapping glob"
    );
    assert!(read.issues.is_empty(), "{:?}", read.issues);
    assert!(read_locations(
        &[LocationSpec::file(
            dir.path().join("nothing/*.yaml").display().to_string()
        )],
        &ReadOptions::default()
    )
    .issues[0]
        .message
        .contains("no file matches"));
}

#[test]
fn two_files_claiming_one_entity_is_a_reported_conflict() {
    let dir = tempfile::tempdir().expect("dir");
    let first = write(dir.path(), "one.yaml", GOOD);
    let second = write(
        dir.path(),
        "two.yaml",
        &GOOD.replace("production", "experimental"),
    );
    let read = read_locations(
        &[LocationSpec::file(&first), LocationSpec::file(&second)],
        &ReadOptions::default(),
    );
    assert_eq!(read.entities.len(), 1);
    assert_eq!(
        read.entities[0].entity.spec_str("lifecycle"),
        Some("production"),
        "first definition wins"
    );
    assert_eq!(read.issues.len(), 1);
    assert!(
        read.issues[0].message.contains("already defined in"),
        "{:?}",
        read.issues
    );
    assert!(read.issues[0].file.ends_with("two.yaml"));
}

#[test]
fn unsupported_location_types_are_named() {
    let read = read_locations(
        &[LocationSpec {
            location_type: "url".into(),
            target: "https://x/y.yaml".into(),
        }],
        &ReadOptions::default(),
    );
    assert!(read.issues[0]
        .message
        .contains("location type `url` is not supported"));
}
