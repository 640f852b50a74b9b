//! Backstage's placeholders: a mapping with the single key `$text`, `$json` or `$yaml` is replaced
//! by the content of the file it names, relative to the descriptor's folder.
//!
//! The file must be a regular file inside the registered location's folder ([`Root`]): an
//! absolute path, `..` out of the folder, a symlink out of it, a device, FIFO or socket, or a
//! file over the size limit is refused, and the entity is then not stored from this read (the
//! version stored before, if any, stays), with an error naming the field and the reason. URLs
//! are not fetched — Trellis reads no network locations — so such a field keeps the URL as its
//! value and a warning says so.

use std::path::Path;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::confine::{Budget, Root};

/// What resolving one document's placeholders found.
#[derive(Debug, Default)]
pub(super) struct Resolved {
    /// Placeholders refused or unreadable: the entity must not be stored.
    pub errors: Vec<String>,
    /// Placeholders left as they are (URLs).
    pub warnings: Vec<String>,
}

/// How placeholders are read: inside `root`, relative to `dir` (the descriptor's folder inside
/// it), each file at most `max_bytes`, charged to `budget`.
pub(super) struct Reader<'a> {
    pub root: &'a Root,
    pub dir: &'a Path,
    pub max_bytes: u64,
    pub budget: &'a mut Budget,
    pub stop: &'a CancellationToken,
}

/// Replaces placeholders in `value`.
pub(super) fn resolve(value: &mut Value, reader: &mut Reader<'_>) -> Resolved {
    let mut found = Resolved::default();
    walk(value, reader, "", &mut found);
    found
}

fn walk(value: &mut Value, reader: &mut Reader<'_>, path: &str, found: &mut Resolved) {
    if let Some((kind, target)) = placeholder(value) {
        match load(&kind, &target, reader) {
            Ok(v) => *value = v,
            Err(Problem::Url(message)) => {
                found.warnings.push(format!("{path}: {message}"));
                *value = Value::String(target);
            }
            Err(Problem::Refused(message)) => found.errors.push(format!("{path}: {message}")),
        }
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
                walk(v, reader, &child, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk(v, reader, &format!("{path}[{i}]"), found);
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

enum Problem {
    /// Not fetched, kept as the URL.
    Url(String),
    /// Refused or unreadable: the entity is not stored.
    Refused(String),
}

fn load(kind: &str, target: &str, reader: &mut Reader<'_>) -> Result<Value, Problem> {
    if target.is_empty() {
        return Err(Problem::Refused(format!("${kind} needs a file name")));
    }
    if target.contains("://") {
        return Err(Problem::Url(format!(
            "${kind} {target} was not fetched: Trellis does not read URLs; the field holds the URL"
        )));
    }
    let refused = |reason: String| Problem::Refused(format!("${kind} {target} refused: {reason}"));
    if Path::new(target).is_absolute() {
        return Err(refused(super::confine::Refusal::Absolute.to_string()));
    }
    let text = reader
        .root
        .read_text(
            &reader.dir.join(target),
            reader.max_bytes,
            reader.budget,
            reader.stop,
        )
        .map_err(|r| refused(r.to_string()))?;
    // Parse errors name the line and column only: the content of the file stays out of them.
    match kind {
        "json" => serde_json::from_str(&text).map_err(|e| {
            refused(format!(
                "invalid JSON at line {}, column {}",
                e.line(),
                e.column()
            ))
        }),
        "yaml" => serde_yaml_ng::from_str(&text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
                .unwrap_or_default();
            refused(format!("invalid YAML{at}"))
        }),
        _ => Ok(Value::String(text)),
    }
}
