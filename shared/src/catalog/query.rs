//! Catalog queries as Backstage's catalog API expresses them: `filter`, `orderField`,
//! `fullTextFilterTerm`/`fullTextFilterFields`, `fields`, and the response shapes of
//! `/entities/by-query`, `/entities/by-refs` and `/entity-facets`.
//!
//! A [`Filter`] is an OR of [`Conjunction`]s (one per repeated `filter` parameter); each
//! conjunction ANDs its keys; one key listed twice inside a parameter matches any of its values;
//! a key without `=` only has to exist. Keys and values compare case-insensitively.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Entity;

/// What one key must satisfy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    /// The key exists with any value.
    Exists,
    /// The key has one of these values (lower case).
    AnyOf(Vec<String>),
}

/// Keys that must all hold (one `filter` parameter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conjunction(pub BTreeMap<String, Condition>);

/// Conjunctions of which one must hold; empty matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter(pub Vec<Conjunction>);

impl Filter {
    /// Parses the values of repeated `filter` query parameters.
    pub fn parse<S: AsRef<str>>(params: &[S]) -> Result<Filter, String> {
        let mut out = Vec::new();
        for param in params {
            let mut conj: BTreeMap<String, Condition> = BTreeMap::new();
            for part in param.as_ref().split(',') {
                let part = part.trim();
                if part.is_empty() {
                    continue;
                }
                let (key, value) = match part.split_once('=') {
                    Some((k, v)) => (k.trim(), Some(v.trim())),
                    None => (part, None),
                };
                if key.is_empty() {
                    return Err(format!("invalid filter '{part}': the key is empty"));
                }
                let key = key.to_lowercase();
                match value {
                    None => {
                        conj.insert(key, Condition::Exists);
                    }
                    Some("") => {
                        return Err(format!("invalid filter '{part}': the value is empty"));
                    }
                    Some(v) => {
                        let v = v.to_lowercase();
                        match conj.entry(key).or_insert(Condition::AnyOf(Vec::new())) {
                            Condition::AnyOf(values) => values.push(v),
                            Condition::Exists => {}
                        }
                    }
                }
            }
            if !conj.is_empty() {
                out.push(Conjunction(conj));
            }
        }
        Ok(Filter(out))
    }

    /// A filter with one conjunction of `key=value` pairs (for building queries in code).
    pub fn all_of<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Filter {
        let mut conj: BTreeMap<String, Condition> = BTreeMap::new();
        for (k, v) in pairs {
            if let Condition::AnyOf(values) = conj
                .entry(k.to_lowercase())
                .or_insert(Condition::AnyOf(Vec::new()))
            {
                values.push(v.to_lowercase());
            }
        }
        Filter(if conj.is_empty() {
            Vec::new()
        } else {
            vec![Conjunction(conj)]
        })
    }

    /// ANDs "`key` is one of `values`" into the filter (every conjunction; an empty filter
    /// becomes that one condition). Where a conjunction already limits `key`, the values both
    /// allow remain, so a restriction can only narrow what matches. Empty `values` match nothing.
    pub fn restrict(&mut self, key: &str, values: &[String]) {
        let key = key.to_lowercase();
        let values: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
        if self.0.is_empty() {
            self.0.push(Conjunction::default());
        }
        for conj in &mut self.0 {
            let narrowed = match conj.0.remove(&key) {
                Some(Condition::AnyOf(had)) => {
                    had.into_iter().filter(|v| values.contains(v)).collect()
                }
                Some(Condition::Exists) | None => values.clone(),
            };
            conj.0.insert(key.clone(), Condition::AnyOf(narrowed));
        }
    }

    /// The `filter` parameter values that express this filter.
    pub fn to_params(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|c| {
                let mut parts = Vec::new();
                for (key, cond) in &c.0 {
                    match cond {
                        Condition::Exists => parts.push(key.clone()),
                        Condition::AnyOf(values) => {
                            parts.extend(values.iter().map(|v| format!("{key}={v}")))
                        }
                    }
                }
                parts.join(",")
            })
            .collect()
    }
}

/// Sort direction of an order field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// One `orderField=<field>,<asc|desc>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderField {
    /// Dotted field path, lower case.
    pub field: String,
    /// Direction.
    pub order: Order,
}

impl OrderField {
    /// Parses one `orderField` value; the direction defaults to `asc`.
    pub fn parse(param: &str) -> Result<OrderField, String> {
        let (field, order) = match param.split_once(',') {
            Some((f, o)) => (f.trim(), o.trim()),
            None => (param.trim(), "asc"),
        };
        if field.is_empty() {
            return Err(format!("invalid orderField '{param}': the field is empty"));
        }
        let order = match order.to_ascii_lowercase().as_str() {
            "asc" => Order::Asc,
            "desc" => Order::Desc,
            _ => {
                return Err(format!(
                    "invalid orderField '{param}': order must be 'asc' or 'desc'"
                ))
            }
        };
        Ok(OrderField {
            field: field.to_lowercase(),
            order,
        })
    }
}

/// Full-text matching: `term` (case-insensitive substring) in any of `fields` (or, when empty,
/// the default fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullText {
    /// The search term, trimmed and lower case.
    pub term: String,
    /// Field paths to search, lower case.
    pub fields: Vec<String>,
}

/// A by-query request after parsing, without pagination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityQuery {
    /// Which entities.
    pub filter: Filter,
    /// Sort order; entity ref ascending breaks ties and is the default.
    pub order: Vec<OrderField>,
    /// Optional full-text term.
    pub full_text: Option<FullText>,
    /// A predicate (`POST /entities/by-query`'s `query`) that must hold too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<super::predicate::Predicate>,
    /// The reader's scope: only entities owned by one of these refs (or that are one of them,
    /// as a user or team is its own). `None` reads everything; empty reads nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Vec<String>>,
}

impl EntityQuery {
    /// Whether a predicate or a read scope narrows the query beyond its filter and term.
    pub fn has_predicate(&self) -> bool {
        self.predicate.is_some() || self.scope.is_some()
    }
}

/// `pageInfo` of a by-query response: cursors of the neighbouring pages; each is absent when
/// there is no such page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// Cursor of the next page, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Cursor of the previous page, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_cursor: Option<String>,
}

/// Response of `GET` and `POST /entities/by-query`. Items are JSON values because `fields` may
/// cut them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EntitiesQueryResponse))]
#[serde(rename_all = "camelCase")]
pub struct QueryResponse {
    /// The page: whole entities, or, when `fields` is given, only the selected paths of each.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub items: Vec<serde_json::Value>,
    /// Entities matching the query in total.
    pub total_items: u64,
    /// Cursors.
    pub page_info: PageInfo,
}

/// A page of whole entities, as the server-side UI code uses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityPage {
    /// The page.
    pub items: Vec<Entity>,
    /// Entities matching in total.
    pub total_items: u64,
    /// Cursors.
    pub page_info: PageInfo,
}

/// One value of a facet and how many entities have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetCount {
    /// The value as written in the entities.
    pub value: String,
    /// Entities with that value.
    pub count: u64,
}

/// Response of `GET /entity-facets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EntityFacetsResponse))]
pub struct FacetsResponse {
    /// Counts per requested facet, keyed by the facet as requested.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// Projects an entity (as JSON) onto dotted `fields` paths, as Backstage's `fields` parameter
/// does; unknown paths are left out; an empty list keeps everything.
pub fn project(value: serde_json::Value, fields: &[String]) -> serde_json::Value {
    if fields.is_empty() {
        return value;
    }
    let mut out = serde_json::Value::Object(serde_json::Map::new());
    for field in fields {
        let path: Vec<&str> = field.split('.').collect();
        let mut keys = Vec::new();
        if let Some(found) = lookup(&value, &path, &mut keys) {
            insert(&mut out, &keys, found.clone());
        }
    }
    out
}

/// Finds `path` in `value`; `keys` receives the object keys actually used (a key may itself
/// contain dots, as annotation keys do).
fn lookup<'a>(
    value: &'a serde_json::Value,
    path: &[&str],
    keys: &mut Vec<String>,
) -> Option<&'a serde_json::Value> {
    if path.is_empty() {
        return Some(value);
    }
    let obj = value.as_object()?;
    for n in 1..=path.len() {
        let key = path[..n].join(".");
        if let Some(v) = obj.get(&key) {
            keys.push(key);
            if let Some(found) = lookup(v, &path[n..], keys) {
                return Some(found);
            }
            keys.pop();
        }
    }
    None
}

fn insert(out: &mut serde_json::Value, path: &[String], value: serde_json::Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(obj) = out.as_object_mut() else {
        return;
    };
    if rest.is_empty() {
        obj.insert(first.clone(), value);
        return;
    }
    let child = obj
        .entry(first.clone())
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    insert(child, rest, value);
}
