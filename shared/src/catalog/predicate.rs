//! Backstage's filter predicates (`@backstage/filter-predicates`), as the catalog client sends
//! them in `query` to `POST /entities/by-query`, `/entity-facets`, `/entities/by-refs` and
//! `/locations/by-query`:
//!
//! - at the root an object; its keys are dot-separated paths (`kind`, `spec.type`,
//!   `metadata.annotations.backstage.io/orphan`) that must all match;
//! - `$all: [..]`, `$any: [..]` and `$not: {..}` combine predicates (standalone keys);
//! - a value is a primitive (equal, case-insensitively; numbers and booleans as strings) or an
//!   operator: `$exists: bool`, `$in: [..]`, `$hasPrefix: "..."`, `$contains` (an array holds a
//!   primitive, or `$any`/`$all` of primitives), or `$all`/`$any`/`$not` of value predicates.
//!
//! Unknown operators are refused with the path where they stand, as Backstage's own parser does.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A parsed predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Predicate {
    /// Every one holds (empty: always true).
    All(Vec<Predicate>),
    /// At least one holds (empty: never true).
    Any(Vec<Predicate>),
    /// It does not hold.
    Not(Box<Predicate>),
    /// The value at `key` (a lower-case path) passes the test.
    Field {
        /// Lower-case dotted path.
        key: String,
        /// What its value must be.
        test: ValueTest,
    },
}

/// What a field's value must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueTest {
    /// One of these (lower case).
    OneOf(Vec<String>),
    /// The field exists (`true`) or does not (`false`).
    Exists(bool),
    /// Starts with this (lower case).
    HasPrefix(String),
}

fn primitive(value: &Value, at: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.to_lowercase()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(format!("{at}: expected a string, number or boolean")),
    }
}

fn list<'v>(value: &'v Value, at: &str) -> Result<&'v Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("{at}: expected an array"))
}

impl Predicate {
    /// Parses a predicate; the error names the path of what is wrong (`query.$all[1].kind`).
    pub fn parse(value: &Value) -> Result<Predicate, String> {
        Self::object(value, "query")
    }

    fn object(value: &Value, at: &str) -> Result<Predicate, String> {
        let map = value
            .as_object()
            .ok_or_else(|| format!("{at}: a predicate must be an object"))?;
        let logical = ["$all", "$any", "$not"];
        if let Some(op) = map.keys().find(|k| logical.contains(&k.as_str())) {
            if map.len() > 1 {
                return Err(format!("{at}: `{op}` must stand alone in its object"));
            }
            let inner = &map[op];
            let here = format!("{at}.{op}");
            return Ok(match op.as_str() {
                "$not" => Predicate::Not(Box::new(Self::object(inner, &here)?)),
                _ => {
                    let parts = list(inner, &here)?
                        .iter()
                        .enumerate()
                        .map(|(i, p)| Self::object(p, &format!("{here}[{i}]")))
                        .collect::<Result<Vec<_>, _>>()?;
                    if op == "$all" {
                        Predicate::All(parts)
                    } else {
                        Predicate::Any(parts)
                    }
                }
            });
        }
        let mut parts = Vec::with_capacity(map.len());
        for (key, test) in map {
            if key.starts_with('$') {
                return Err(format!("{at}: unknown operator `{key}`"));
            }
            parts.push(Self::field(
                &key.to_lowercase(),
                test,
                &format!("{at}.{key}"),
            )?);
        }
        Ok(match parts.len() {
            1 => parts.remove(0),
            _ => Predicate::All(parts),
        })
    }

    fn field(key: &str, value: &Value, at: &str) -> Result<Predicate, String> {
        let field = |test| Predicate::Field {
            key: key.to_string(),
            test,
        };
        let Some(map) = value.as_object() else {
            return Ok(field(ValueTest::OneOf(vec![primitive(value, at)?])));
        };
        let [(op, operand)] = map.iter().collect::<Vec<_>>()[..] else {
            return Err(format!(
                "{at}: a value operator must stand alone in its object"
            ));
        };
        let here = format!("{at}.{op}");
        Ok(match op.as_str() {
            "$exists" => match operand {
                Value::Bool(b) => field(ValueTest::Exists(*b)),
                _ => return Err(format!("{here}: expected true or false")),
            },
            "$in" => field(ValueTest::OneOf(
                list(operand, &here)?
                    .iter()
                    .map(|v| primitive(v, &here))
                    .collect::<Result<_, _>>()?,
            )),
            "$hasPrefix" => match operand {
                Value::String(s) => field(ValueTest::HasPrefix(s.to_lowercase())),
                _ => return Err(format!("{here}: expected a string")),
            },
            // Arrays are indexed element by element, so "holds x" is "has the value x".
            "$contains" => Self::field(key, operand, &here)?,
            "$all" | "$any" => {
                let parts = list(operand, &here)?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Self::field(key, v, &format!("{here}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                if op == "$all" {
                    Predicate::All(parts)
                } else {
                    Predicate::Any(parts)
                }
            }
            "$not" => Predicate::Not(Box::new(Self::field(key, operand, &here)?)),
            other => return Err(format!("{at}: unknown operator `{other}`")),
        })
    }

    /// Whether `value` (a JSON document, such as a registered location) satisfies the
    /// predicate, comparing as the catalog does: case-insensitively, through arrays.
    pub fn matches(&self, value: &Value) -> bool {
        match self {
            Predicate::All(parts) => parts.iter().all(|p| p.matches(value)),
            Predicate::Any(parts) => parts.iter().any(|p| p.matches(value)),
            Predicate::Not(inner) => !inner.matches(value),
            Predicate::Field { key, test } => {
                let mut found = Vec::new();
                match key.strip_prefix("relations.") {
                    // The catalog's `relations.<type>` form: the targets of that relation type.
                    Some(kind) => found.extend(
                        value["relations"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|r| {
                                r["type"]
                                    .as_str()
                                    .is_some_and(|t| t.eq_ignore_ascii_case(kind))
                            })
                            .filter_map(|r| r["targetRef"].as_str().map(str::to_lowercase)),
                    ),
                    None => values_at(value, key, &mut found),
                }
                match test {
                    ValueTest::Exists(wanted) => found.is_empty() != *wanted,
                    ValueTest::OneOf(options) => found.iter().any(|v| options.contains(v)),
                    ValueTest::HasPrefix(prefix) => found.iter().any(|v| v.starts_with(prefix)),
                }
            }
        }
    }
}

/// The values at dotted `path` in `value`, lower-cased, descending through arrays. A key may
/// itself contain dots (`metadata.annotations.backstage.io/orphan`): longer keys are tried too.
fn values_at(value: &Value, path: &str, out: &mut Vec<String>) {
    if path.is_empty() {
        match value {
            Value::Array(items) => items.iter().for_each(|i| values_at(i, path, out)),
            Value::Object(_) | Value::Null => {}
            Value::String(s) => out.push(s.to_lowercase()),
            other => out.push(other.to_string()),
        }
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|i| values_at(i, path, out)),
        Value::Object(map) => {
            for (key, child) in map {
                let key = key.to_lowercase();
                if path == key {
                    values_at(child, "", out);
                } else if let Some(rest) = path.strip_prefix(&key).and_then(|r| r.strip_prefix('.'))
                {
                    values_at(child, rest, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_what_the_catalog_client_sends() {
        let p = Predicate::parse(&json!({
            "$all": [
                { "kind": "Component" },
                { "spec.type": { "$in": ["service", "Website"] } },
                { "$not": { "metadata.tags": { "$contains": "legacy" } } },
                { "metadata.annotations.backstage.io/orphan": { "$exists": false } }
            ]
        }))
        .expect("parses");
        let Predicate::All(parts) = &p else {
            panic!("{p:?}")
        };
        assert_eq!(
            parts[1],
            Predicate::Field {
                key: "spec.type".into(),
                test: ValueTest::OneOf(vec!["service".into(), "website".into()])
            }
        );
        let doc = json!({"kind": "component", "spec": {"type": "website"}, "metadata": {"tags": ["java"], "annotations": {}}});
        assert!(p.matches(&doc));
        let legacy = json!({"kind": "Component", "spec": {"type": "service"}, "metadata": {"tags": ["legacy"]}});
        assert!(!p.matches(&legacy));
    }

    #[test]
    fn refuses_unknown_operators_naming_where() {
        let e = Predicate::parse(&json!({"$all": [{"kind": {"$regex": "x"}}]})).unwrap_err();
        assert_eq!(e, "query.$all[0].kind: unknown operator `$regex`");
        let e = Predicate::parse(&json!({"$all": [], "kind": "x"})).unwrap_err();
        assert!(e.contains("must stand alone"), "{e}");
        assert!(Predicate::parse(&json!(["kind"])).is_err());
    }

    #[test]
    fn matches_keys_with_dots_and_prefixes() {
        let p =
            Predicate::parse(&json!({"target": {"$hasPrefix": "/srv/Catalog"}, "type": "file"}))
                .expect("parses");
        assert!(p.matches(&json!({"type": "file", "target": "/srv/catalog/all.yaml"})));
        assert!(!p.matches(&json!({"type": "url", "target": "/srv/catalog/all.yaml"})));
        let orphan = Predicate::parse(&json!({"metadata.annotations.backstage.io/orphan": "true"}))
            .expect("parses");
        assert!(
            orphan.matches(&json!({"metadata": {"annotations": {"backstage.io/orphan": "true"}}}))
        );
    }
}
