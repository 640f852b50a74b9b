//! Flattening and column values, checked against what Backstage stores.

use serde_json::json;

use super::*;

#[test]
fn flattens_like_backstage() {
    let entity: trellis_shared::catalog::Entity = serde_json::from_value(json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": { "name": "PetStore", "tags": ["java", "web", "Java"], "annotations": { "a.io/B": "X" } },
        "spec": { "owner": "Team-A", "definition": "x".repeat(300), "replicas": 3 }
    }))
    .expect("entity");
    let rows = rows(&entity);
    let get = |k: &str| {
        rows.iter()
            .filter(|(key, ..)| key == k)
            .map(|(_, v, _)| v.clone())
            .collect::<Vec<_>>()
    };
    for column in ENTITY_COLUMNS {
        assert_eq!(
            get(column.key),
            Vec::<Option<String>>::new(),
            "{} is a column",
            column.key
        );
    }
    assert_eq!(
        get("metadata.tags"),
        vec![Some("java".to_string()), Some("web".to_string())]
    );
    assert_eq!(
        get("metadata.annotations.a.io/b"),
        vec![Some("x".to_string())]
    );
    assert_eq!(get("spec.owner"), vec![Some("team-a".to_string())]);
    assert_eq!(
        get("spec.definition"),
        vec![None],
        "long values keep their key only"
    );
    assert_eq!(get("spec.replicas"), vec![Some("3".to_string())]);
    let tag = rows
        .iter()
        .find(|(k, ..)| k == "metadata.annotations.a.io/b")
        .expect("annotation row");
    assert_eq!(tag.2.as_deref(), Some("X"), "original value kept");
    let owner = rows
        .iter()
        .find(|(k, ..)| k == "spec.replicas")
        .expect("row");
    assert_eq!(
        owner.2, None,
        "a value written in lower case is not kept twice"
    );
}

#[test]
fn column_values_are_lower_case_with_spellings() {
    let long = format!("file:/{}", "d/".repeat(120));
    let entity = json!({
        "apiVersion": "example.com/V2", "kind": "Component",
        "metadata": { "name": "a", "annotations": {
            "backstage.io/managed-by-location": "file:/srv/catalog.yaml",
            "backstage.io/managed-by-origin-location": long,
            "backstage.io/Managed-By-Location": "file:/other.yaml",
        } },
    });
    assert_eq!(
        value_columns(),
        vec![
            "api_version",
            "api_version_spelled",
            "managed_by_location",
            "managed_by_location_spelled",
            "managed_by_origin_location",
            "managed_by_origin_location_spelled",
        ]
    );
    assert_eq!(
        column_values(&entity),
        vec![
            Some("example.com/v2".to_string()),
            Some("example.com/V2".to_string()),
            Some("file:/srv/catalog.yaml".to_string()),
            None,
            None,
            Some(long.clone()),
        ],
        "a value over the search length keeps only its spelling"
    );
    assert_eq!(
        column_values(&json!({ "kind": "Component" })),
        vec![None; 6],
        "absent keys are NULL"
    );
    let keys: Vec<String> = rows_of(&entity).into_iter().map(|(k, ..)| k).collect();
    assert!(
        keys.iter().all(|k| entity_column(k).is_none()),
        "no search rows for column keys, whatever their case: {keys:?}"
    );
}

#[test]
fn index_order_is_bytes_with_nulls_last() {
    let row = |k: &str, v: Option<&str>, o: Option<&str>| {
        (k.to_string(), v.map(str::to_string), o.map(str::to_string))
    };
    let mut rows = [
        row("spec.owner", None, None),
        row("spec.owner", Some("b"), None),
        row("kind", Some("user"), Some("User")),
        row("spec.owner", Some("b"), Some("B")),
        row("spec.owner", Some("é"), None),
        row("spec.Owner", Some("z"), None),
        row("kind", Some("user"), None),
    ];
    rows.sort_by(index_order);
    let keys: Vec<_> = rows
        .iter()
        .map(|(k, v, o)| (k.as_str(), v.as_deref(), o.as_deref()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("kind", Some("user"), Some("User")),
            ("kind", Some("user"), None),
            ("spec.Owner", Some("z"), None),
            ("spec.owner", Some("b"), Some("B")),
            ("spec.owner", Some("b"), None),
            ("spec.owner", Some("é"), None),
            ("spec.owner", None, None),
        ]
    );
}
