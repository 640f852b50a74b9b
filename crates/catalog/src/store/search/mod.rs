//! Flattening an entity into `catalog.search` rows, as Backstage's `buildEntitySearch` does:
//! one `(key, value)` per leaf, keys as lower-case dotted paths (`spec.owner`,
//! `metadata.annotations.github.com/project-slug`), values lower-cased, list items as repeated
//! keys; each row also keeps the value as written (`original_value`, for facets) when that
//! differs from the lower-cased value (NULL means "as `value`", which most values are). Duplicate
//! `(key, value)` pairs of one entity are stored once, so counting rows counts entities.
//! Relations are not flattened here: filters on `relations.*` read `catalog.relations`. Nor
//! are the keys of [`ENTITY_COLUMNS`]: single values (nearly) every entity has — kind,
//! namespace, name, apiVersion and the two location annotations the catalog sets — are
//! columns of the entities table, with their spellings beside them for facets.

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
    /// Where the value is in the entity; empty for the parts of its ref (kind, namespace and
    /// name), which the writer takes from the ref.
    pub path: &'static [&'static str],
    /// Whether the column can be NULL: the entity lacks the key, or its value is longer than
    /// a search value may be (then only the spelling column keeps it, as a search row would
    /// keep only its key). Such keys exist where either column is set.
    pub nullable: bool,
}

/// Keys answered by columns of `catalog.entities`, and so not flattened into search rows.
pub const ENTITY_COLUMNS: [EntityColumn; 6] = [
    EntityColumn {
        key: "kind",
        column: "e.kind",
        spelled: Some("e.kind_spelled"),
        path: &[],
        nullable: false,
    },
    EntityColumn {
        key: "metadata.namespace",
        column: "e.namespace",
        spelled: None,
        path: &[],
        nullable: false,
    },
    EntityColumn {
        key: "metadata.name",
        column: "e.name",
        spelled: Some("e.name_spelled"),
        path: &[],
        nullable: false,
    },
    EntityColumn {
        key: "apiversion",
        column: "e.api_version",
        spelled: Some("e.api_version_spelled"),
        path: &["apiVersion"],
        nullable: true,
    },
    EntityColumn {
        key: "metadata.annotations.backstage.io/managed-by-location",
        column: "e.managed_by_location",
        spelled: Some("e.managed_by_location_spelled"),
        path: &[
            "metadata",
            "annotations",
            trellis_shared::catalog::ANNOTATION_LOCATION,
        ],
        nullable: true,
    },
    EntityColumn {
        key: "metadata.annotations.backstage.io/managed-by-origin-location",
        column: "e.managed_by_origin_location",
        spelled: Some("e.managed_by_origin_location_spelled"),
        path: &[
            "metadata",
            "annotations",
            trellis_shared::catalog::ANNOTATION_ORIGIN_LOCATION,
        ],
        nullable: true,
    },
];

/// The column of `catalog.entities e` answering `key`, if one does.
pub fn entity_column(key: &str) -> Option<&'static EntityColumn> {
    ENTITY_COLUMNS.iter().find(|c| c.key == key)
}

/// The names of the entities columns holding values found by [`EntityColumn::path`], each
/// followed by its spelling column: the columns [`column_values`] fills.
pub(super) fn value_columns() -> Vec<&'static str> {
    let bare = |c: &'static str| c.trim_start_matches("e.");
    ENTITY_COLUMNS
        .iter()
        .filter(|c| !c.path.is_empty())
        .flat_map(|c| [Some(bare(c.column)), c.spelled.map(bare)])
        .flatten()
        .collect()
}

/// The values of the [`value_columns`] for the entity `value` (its JSON form): lower case
/// (NULL when absent or longer than a search value may be) and as written where that differs.
pub(super) fn column_values(value: &Value) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for column in ENTITY_COLUMNS.iter().filter(|c| !c.path.is_empty()) {
        let found = column
            .path
            .iter()
            .try_fold(value, |v, step| v.get(step))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        let (lower, spelled) = match found {
            None => (None, None),
            Some(v) if v.len() > MAX_LEN => (None, Some(v)),
            Some(v) => {
                let lower = v.to_lowercase();
                let spelled = (lower != v).then_some(v);
                (Some(lower), spelled)
            }
        };
        out.push(lower);
        if column.spelled.is_some() {
            out.push(spelled);
        }
    }
    out
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
        if SKIPPED.contains(&key.as_str()) {
            continue;
        }
        if key == "metadata" {
            for (k, v) in child.as_object().into_iter().flatten() {
                if !SKIPPED_META.contains(&k.as_str()) {
                    flatten(v, &format!("metadata.{}", k.to_lowercase()), &mut out);
                }
            }
        } else {
            flatten(child, &key.to_lowercase(), &mut out);
        }
    }
    // Keys that are entities columns (in whatever case they were written) have no rows.
    let mut seen = std::collections::HashSet::new();
    out.retain(|(k, v, _)| entity_column(k).is_none() && seen.insert((k.clone(), v.clone())));
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
mod tests;
