//! Finding and reading descriptor files: target expansion (file, directory, glob) and YAML
//! documents with size and encoding checks.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The files a target names, absolute and sorted. `base` resolves relative targets (the folder
/// of the file holding a `Location`); without it they are relative to the working directory.
pub(super) fn expand(target: &str, base: Option<&Path>) -> Result<Vec<PathBuf>, String> {
    let joined = match base {
        Some(dir) if Path::new(target).is_relative() => dir.join(target),
        _ => PathBuf::from(target),
    };
    if target.contains(['*', '?', '[']) {
        let pattern = joined.to_string_lossy().into_owned();
        let paths = glob::glob(&pattern).map_err(|e| format!("invalid glob `{target}`: {e}"))?;
        let mut files: Vec<PathBuf> = paths
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .filter_map(|p| absolute(&p).ok())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(format!("no file matches `{target}`"));
        }
        return Ok(files);
    }
    let meta = std::fs::metadata(&joined)
        .map_err(|e| format!("cannot read `{}`: {e}", joined.display()))?;
    if meta.is_dir() {
        let mut files = Vec::new();
        collect_yaml(&joined, &mut files)
            .map_err(|e| format!("cannot list `{}`: {e}", joined.display()))?;
        files.sort();
        return Ok(files);
    }
    Ok(vec![absolute(&joined).map_err(|e| {
        format!("cannot resolve `{}`: {e}", joined.display())
    })?])
}

fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(path)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(absolute(&path)?);
        }
    }
    Ok(())
}

/// The documents of a file, each parsed or with its error.
pub(super) struct Documents {
    /// In file order.
    pub docs: Vec<Result<Value, String>>,
    /// A syntax error cut the file short: what it defines after that point is unknown.
    pub truncated: bool,
}

/// Reads and parses a file. The file as a whole fails when it is too large, unreadable or not
/// UTF-8.
pub(super) fn read_documents(path: &Path, max_bytes: u64) -> Result<Documents, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read file: {e}"))?
        .len();
    if size > max_bytes {
        return Err(format!(
            "file is {size} bytes, over the {max_bytes}-byte limit"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| format!("file is not UTF-8: {e}"))?;
    Ok(parse_documents(&text))
}

/// Splits YAML text into documents. A syntax error ends the stream: later documents cannot be
/// located reliably, so the error stands for the rest of the file.
pub(super) fn parse_documents(text: &str) -> Documents {
    let mut docs = Vec::new();
    let mut truncated = false;
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        match Value::deserialize(doc) {
            Ok(value) => docs.push(Ok(value)),
            Err(e) => {
                let fatal = !e.to_string().contains("invalid type");
                docs.push(Err(format!("invalid YAML: {e}")));
                if fatal {
                    truncated = true;
                    break;
                }
            }
        }
    }
    Documents { docs, truncated }
}
