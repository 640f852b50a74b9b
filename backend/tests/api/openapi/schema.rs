//! Reading the OpenAPI documents in tests: the operations they list, and a small JSON Schema
//! check (the subset utoipa writes: `$ref`, `type`, `properties`, `required`,
//! `additionalProperties`, `items`, `allOf`/`oneOf`/`anyOf`, `enum`) that is stricter than JSON
//! Schema in one way: an object schema with `properties` and no `additionalProperties` allows no
//! other keys, so an answer carrying a field the document does not describe fails.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The HTTP methods an OpenAPI path item may hold, lower case as there.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation: method (upper case), path, the operation object.
pub struct Operation<'a> {
    pub method: String,
    pub path: &'a str,
    pub op: &'a Value,
}

/// Every operation of `doc`, in document order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(Operation {
                    method: method.to_uppercase(),
                    path,
                    op,
                });
            }
        }
    }
    out
}

/// Whether a concrete path (`/catalog/locations/abc`) is an instance of a path template
/// (`/catalog/locations/{id}`); a segment holding `{` in the concrete path (a placeholder of the
/// code it was taken from) matches any template segment.
pub fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            t == p || (t.starts_with('{') && !p.is_empty()) || (p.contains('{') && !t.is_empty())
        })
}

/// Every `$ref` in `value` that does not resolve in `doc`.
pub fn dangling_refs(doc: &Value, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if resolve(doc, r).is_none() {
                    out.insert(r.clone());
                }
            }
            map.values().for_each(|v| dangling_refs(doc, v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| dangling_refs(doc, v, out)),
        _ => {}
    }
}

/// The target of a local `$ref` (`#/components/...`).
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// Checks `value` against `schema`; the error says where and why it does not fit.
pub fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    check_part(doc, schema, value, at, true)
}

/// [`check`]; `closed` is false for an `allOf` branch, which sees only part of the keys (the
/// closed-object rule then applies to the union of the branches).
fn check_part(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    closed: bool,
) -> Result<(), String> {
    let schema = deref(doc, schema)?;
    let Some(obj) = schema.as_object() else {
        return Ok(());
    };
    if let Some(branches) = obj.get("allOf").and_then(Value::as_array) {
        for branch in branches {
            check_part(doc, branch, value, at, false)?;
        }
        return if closed {
            closed_keys(doc, schema, value, at)
        } else {
            Ok(())
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = obj.get(key).and_then(Value::as_array) {
            let errors: Vec<String> = branches
                .iter()
                .filter_map(|b| check_part(doc, b, value, at, closed).err())
                .collect();
            if errors.len() == branches.len() {
                return Err(format!("{at}: fits no branch of {key}: {errors:?}"));
            }
            return Ok(());
        }
    }
    if let Some(types) = obj.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.iter().any(|t| has_type(value, t)) {
            return Err(format!("{at}: {value} is not of type {types:?}"));
        }
    }
    if let Some(allowed) = obj.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, obj.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(doc, item_schema, item, &format!("{at}[{i}]"))?;
        }
    }
    if let Value::Object(fields) = value {
        let required = obj.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if !fields.contains_key(name) {
                return Err(format!("{at}: required `{name}` is missing"));
            }
        }
        let props = obj.get("properties").and_then(Value::as_object);
        for (name, field) in fields {
            let path = format!("{at}.{name}");
            match (
                props.and_then(|p| p.get(name)),
                obj.get("additionalProperties"),
            ) {
                (Some(prop), _) => check(doc, prop, field, &path)?,
                (None, Some(extra @ Value::Object(_))) => check(doc, extra, field, &path)?,
                _ => {}
            }
        }
    }
    if closed {
        closed_keys(doc, schema, value, at)
    } else {
        Ok(())
    }
}

/// The closed-object rule: an object value may hold only the keys the schema (with every
/// `allOf` branch) describes, unless some part allows additional properties.
fn closed_keys(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let Value::Object(fields) = value else {
        return Ok(());
    };
    let mut known = BTreeSet::new();
    if !collect_keys(doc, schema, &mut known)? {
        return Ok(());
    }
    match fields.keys().find(|k| !known.contains(k.as_str())) {
        Some(extra) => Err(format!(
            "{at}: `{extra}` is not described (known: {known:?})"
        )),
        None => Ok(()),
    }
}

/// Adds the property names `schema` describes; false when it allows any other key (or is not
/// an object schema with properties at all).
fn collect_keys(doc: &Value, schema: &Value, known: &mut BTreeSet<String>) -> Result<bool, String> {
    let schema = deref(doc, schema)?;
    let empty = Map::new();
    let obj = schema.as_object().unwrap_or(&empty);
    if let Some(branches) = obj.get("allOf").and_then(Value::as_array) {
        let mut closed = true;
        for branch in branches {
            closed &= collect_keys(doc, branch, known)?;
        }
        return Ok(closed);
    }
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return Ok(false);
    };
    known.extend(props.keys().cloned());
    Ok(matches!(
        obj.get("additionalProperties"),
        None | Some(Value::Bool(false))
    ))
}

fn deref<'a>(doc: &'a Value, schema: &'a Value) -> Result<&'a Value, String> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, r).ok_or_else(|| format!("dangling $ref {r}")),
        None => Ok(schema),
    }
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}
