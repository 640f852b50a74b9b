//! Backstage's placeholders: a mapping with the single key `$text`, `$json` or `$yaml` is replaced
//! by the content of the file it names (relative to the descriptor's folder). URLs are not
//! fetched — Trellis reads no network locations — so such a field keeps the URL as its value and
//! a warning says so.

use std::path::Path;

use serde_json::Value;

/// Replaces placeholders in `value`; returns warnings for the ones it could not resolve.
pub(super) fn resolve(value: &mut Value, dir: &Path) -> Vec<String> {
    let mut warnings = Vec::new();
    walk(value, dir, "", &mut warnings);
    warnings
}

fn walk(value: &mut Value, dir: &Path, path: &str, warnings: &mut Vec<String>) {
    if let Some((kind, target)) = placeholder(value) {
        *value = match load(&kind, &target, dir) {
            Ok(v) => v,
            Err(message) => {
                warnings.push(format!("{path}: {message}"));
                Value::String(target)
            }
        };
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, dir, &child, warnings);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk(v, dir, &format!("{path}[{i}]"), warnings);
            }
        }
        _ => {}
    }
}

fn placeholder(value: &Value) -> Option<(String, String)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (key, target) = map.iter().next()?;
    let kind = key.strip_prefix('$')?;
    matches!(kind, "text" | "json" | "yaml").then(|| {
        (
            kind.to_string(),
            target.as_str().unwrap_or_default().to_string(),
        )
    })
}

fn load(kind: &str, target: &str, dir: &Path) -> Result<Value, String> {
    if target.is_empty() {
        return Err(format!("${kind} needs a file name"));
    }
    if target.contains("://") {
        return Err(format!(
            "${kind} {target} was not fetched: Trellis does not read URLs; the field holds the URL"
        ));
    }
    let path = dir.join(target);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("${kind} {target}: {e}"))?;
    match kind {
        "json" => serde_json::from_str(&text).map_err(|e| format!("$json {target}: {e}")),
        "yaml" => serde_yaml_ng::from_str(&text).map_err(|e| format!("$yaml {target}: {e}")),
        _ => Ok(Value::String(text)),
    }
}
