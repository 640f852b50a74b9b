//! Flattening an entity into `catalog.search` rows, as Backstage's `buildEntitySearch` does:
//! one `(key, value)` per leaf, keys as lower-case dotted paths (`spec.owner`,
//! `metadata.annotations.github.com/project-slug`), values lower-cased, list items as repeated
//! keys; each row also keeps the value as written (`original_value`, for facets) when that
//! differs from the lower-cased value (NULL means "as `value`", which most values are). Duplicate
//! `(key, value)` pairs of one entity are stored once, so counting rows counts entities.
//! Relations are not flattened here: filters on `relations.*` read `catalog.relations`. Nor
//! are `kind`, `metadata.name` and `metadata.namespace` ([`ENTITY_COLUMNS`]): the entities
//! table has them as columns, with the spellings of kind and name for facets.

use serde_json::Value;

/// A key answered by a column of `catalog.entities e` (lower case) instead of search rows.
pub struct EntityColumn {
    /// The key, as filters name it.
    pub key: &'static str,
    /// The column.
    pub column: &'static str,
    /// The column keeping the value as written where that is not its lower case (NULL
    /// otherwise), for facets; none for namespaces, which are lower case by validation.
    pub spelled: Option<&'static str>,
}

/// Keys answered by columns of `catalog.entities`, and so not flattened into search rows.
pub const ENTITY_COLUMNS: [EntityColumn; 3] = [
    EntityColumn {
        key: "kind",
        column: "e.kind",
        spelled: Some("e.kind_spelled"),
    },
    EntityColumn {
        key: "metadata.namespace",
        column: "e.namespace",
        spelled: None,
    },
    EntityColumn {
        key: "metadata.name",
        column: "e.name",
        spelled: Some("e.name_spelled"),
    },
];

/// The column of `catalog.entities e` answering `key`, if one does.
pub fn entity_column(key: &str) -> Option<&'static EntityColumn> {
    ENTITY_COLUMNS.iter().find(|c| c.key == key)
}

/// Longest key or value kept; longer values are stored as NULL (the key still matches `exists`).
const MAX_LEN: usize = 200;

/// One search row: key, lower-cased value, value as written if it differs.
pub(super) type SearchRow = (String, Option<String>, Option<String>);

/// The order of the `(key, value, original_value)` index: bytes (the columns are
/// `COLLATE "C"`), NULLs last. Rows loaded in this order let a bulk load's index build skip
/// its sort.
pub(super) fn index_order(a: &SearchRow, b: &SearchRow) -> std::cmp::Ordering {
    fn nulls_last(x: &Option<String>, y: &Option<String>) -> std::cmp::Ordering {
        match (x, y) {
            (Some(x), Some(y)) => x.cmp(y),
            (x, y) => x.is_none().cmp(&y.is_none()),
        }
    }
    a.0.cmp(&b.0)
        .then_with(|| nulls_last(&a.1, &b.1))
        .then_with(|| nulls_last(&a.2, &b.2))
}

/// The search rows of one entity.
#[cfg(test)]
fn rows(entity: &trellis_shared::catalog::Entity) -> Vec<SearchRow> {
    rows_of(&serde_json::to_value(entity).unwrap_or(Value::Null))
}

/// The search rows of `entity`, given as `value` (its JSON form).
pub(super) fn rows_of(value: &Value) -> Vec<SearchRow> {
    const SKIPPED: [&str; 2] = ["relations", "status"];
    const SKIPPED_META: [&str; 2] = ["uid", "etag"];
    let mut out = Vec::new();
    for (key, child) in value.as_object().into_iter().flatten() {
        if SKIPPED.contains(&key.as_str()) || entity_column(key).is_some() {
            continue;
        }
        if key == "metadata" {
            for (k, v) in child.as_object().into_iter().flatten() {
                let path = format!("metadata.{}", k.to_lowercase());
                if !SKIPPED_META.contains(&k.as_str()) && entity_column(&path).is_none() {
                    flatten(v, &path, &mut out);
                }
            }
        } else {
            flatten(child, &key.to_lowercase(), &mut out);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(k, v, _)| seen.insert((k.clone(), v.clone())));
    out
}

fn flatten(value: &Value, key: &str, out: &mut Vec<SearchRow>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child = if key.is_empty() {
                    k.to_lowercase()
                } else {
                    format!("{key}.{}", k.to_lowercase())
                };
                flatten(v, &child, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                flatten(item, key, out);
                // Backstage also indexes string list items as `key.item = true`.
                if let Value::String(s) = item {
                    let flag = format!("{key}.{}", s.to_lowercase());
                    if flag.len() <= MAX_LEN {
                        out.push((flag, Some("true".into()), None));
                    }
                }
            }
        }
        Value::Null => {}
        Value::String(s) if key.len() <= MAX_LEN => out.push(leaf_row(key, s)),
        leaf if key.len() <= MAX_LEN => out.push(leaf_row(key, &leaf.to_string())),
        _ => {}
    }
}

/// The row of one leaf value: lower-cased, with the spelling when it differs; values over
/// [`MAX_LEN`] keep only their key.
fn leaf_row(key: &str, original: &str) -> SearchRow {
    if original.len() > MAX_LEN {
        return (key.to_string(), None, None);
    }
    let value = original.to_lowercase();
    let spelled = (value != original).then(|| original.to_string());
    (key.to_string(), Some(value), spelled)
}

#[cfg(test)]
mod tests {
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
            get("apiversion"),
            vec![Some("backstage.io/v1alpha1".into())]
        );
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
}
