//! Finding and reading descriptor files: the folder a registered target is confined to, the
//! files a target names inside it (one file, every `*.yaml`/`*.yml` below a folder, or a glob's
//! matches), and their YAML documents.
//!
//! Folder and glob walks are bounded in entries and depth, skip hidden names, follow a symlink
//! only while it stays inside the root and never twice into the same folder (so a loop ends).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::confine::{normalize, Refusal, Root};

/// What a target names inside its root (paths relative to the root).
#[derive(Debug)]
pub(super) enum Target {
    /// One file.
    File(PathBuf),
    /// Every YAML file below a folder.
    Folder(PathBuf),
    /// The files below `base` whose path from `base` matches `pattern`.
    Glob {
        /// The pattern's literal leading folders.
        base: PathBuf,
        /// The rest of the pattern.
        pattern: glob::Pattern,
        /// The pattern's text, for messages.
        text: String,
    },
}

/// Bounds of a folder or glob walk.
#[derive(Debug, Clone, Copy)]
pub(super) struct WalkLimits {
    /// Entries (files, folders, links) listed in all.
    pub entries: usize,
    /// Folder levels below the walk's start.
    pub depth: usize,
}

fn is_glob(part: &str) -> bool {
    part.contains(['*', '?', '['])
}

/// Splits a glob into its literal leading folders and the pattern for the rest.
pub(super) fn split_glob(target: &str) -> Result<(PathBuf, glob::Pattern, String), String> {
    let mut base = PathBuf::new();
    if target.starts_with('/') {
        base.push("/");
    }
    let mut rest = Vec::new();
    for part in target.split('/').filter(|p| !p.is_empty()) {
        if rest.is_empty() && !is_glob(part) {
            base.push(part);
        } else {
            rest.push(part);
        }
    }
    let text = rest.join("/");
    if rest.contains(&"..") {
        return Err(format!("invalid glob `{target}`: `..` after a wildcard"));
    }
    let pattern = glob::Pattern::new(&text).map_err(|e| format!("invalid glob `{target}`: {e}"))?;
    Ok((base, pattern, text))
}

/// The root and target of a registered location: a file's folder, a folder itself, or a glob's
/// literal leading folders. Symlinks in the target are resolved first.
pub(super) fn registered(target: &str) -> Result<(Root, Target), String> {
    let cannot = |path: &Path, e: std::io::Error| format!("cannot read `{}`: {e}", path.display());
    if is_glob(target) {
        let (base, pattern, text) = split_glob(target)?;
        let base = if base.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            base
        };
        let root = Root::open(&base).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("no file matches `{target}`"),
            _ => cannot(&base, e),
        })?;
        let glob = Target::Glob {
            base: PathBuf::new(),
            pattern,
            text,
        };
        return Ok((root, glob));
    }
    let path = Path::new(target);
    let resolved = std::fs::canonicalize(path).map_err(|e| cannot(path, e))?;
    let meta = std::fs::metadata(&resolved).map_err(|e| cannot(path, e))?;
    if meta.is_dir() {
        let root = Root::open(&resolved).map_err(|e| cannot(path, e))?;
        return Ok((root, Target::Folder(PathBuf::new())));
    }
    if !meta.is_file() {
        return Err(format!("`{target}` is not a regular file or folder"));
    }
    let (Some(parent), Some(name)) = (resolved.parent(), resolved.file_name()) else {
        return Err(format!("`{target}` has no folder"));
    };
    let root = Root::open(parent).map_err(|e| cannot(parent, e))?;
    Ok((root, Target::File(PathBuf::from(name))))
}

/// What a `Location` entity's target names, relative to `dir`, the folder (inside the root) of
/// the file that holds the entity.
pub(super) fn nested(root: &Root, dir: &Path, target: &str) -> Result<Target, String> {
    let refused = |r: Refusal| format!("target `{target}` refused: {r}");
    if Path::new(target).is_absolute() {
        return Err(refused(Refusal::Absolute));
    }
    if is_glob(target) {
        let (base, pattern, text) = split_glob(target)?;
        let base = normalize(&dir.join(base)).map_err(refused)?;
        return Ok(Target::Glob {
            base,
            pattern,
            text,
        });
    }
    let rel = normalize(&dir.join(target)).map_err(refused)?;
    let meta = root.metadata(&rel).map_err(refused)?;
    Ok(if meta.is_dir() {
        Target::Folder(rel)
    } else {
        Target::File(rel)
    })
}

/// A walk's result: the files (canonical, relative to the root, sorted) and warnings about what
/// it did not follow.
#[derive(Debug, Default)]
pub(super) struct Listing {
    pub files: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

/// The files `target` names.
pub(super) fn expand(
    root: &Root,
    target: &Target,
    limits: WalkLimits,
    stop: &CancellationToken,
) -> Result<Listing, String> {
    match target {
        Target::File(rel) => {
            let file = root
                .canonical(rel)
                .map_err(|r| format!("cannot read `{}`: {r}", root.absolute(rel).display()))?;
            Ok(Listing {
                files: vec![file],
                warnings: Vec::new(),
            })
        }
        Target::Folder(rel) => walk(root, rel, None, limits, stop),
        Target::Glob {
            base,
            pattern,
            text,
        } => {
            let listing = walk(root, base, Some(pattern), limits, stop)?;
            if listing.files.is_empty() {
                return Err(format!("no file matches `{text}`"));
            }
            Ok(listing)
        }
    }
}

fn walk(
    root: &Root,
    base: &Path,
    pattern: Option<&glob::Pattern>,
    limits: WalkLimits,
    stop: &CancellationToken,
) -> Result<Listing, String> {
    let shown = |rel: &Path| root.absolute(rel).display().to_string();
    let start = root
        .canonical(base)
        .map_err(|r| format!("cannot list `{}`: {r}", shown(base)))?;
    // A glob without `**` never needs to go deeper than its own folder levels.
    let (depth_limit, prune) = match pattern {
        Some(p) if !p.as_str().contains("**") => (p.as_str().split('/').count() - 1, true),
        _ => (limits.depth, false),
    };
    let match_options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let mut out = Listing::default();
    let mut visited = HashSet::from([start.clone()]);
    // (path as walked, relative to `base`; canonical path; depth)
    let mut folders = vec![(PathBuf::new(), start, 0usize)];
    let mut listed = 0usize;
    while let Some((logical, folder, depth)) = folders.pop() {
        if stop.is_cancelled() {
            return Err(Refusal::Stopped.to_string());
        }
        let entries = root
            .entries(&folder)
            .map_err(|r| format!("cannot list `{}`: {r}", shown(&folder)))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list `{}`: {e}", shown(&folder)))?;
            listed += 1;
            if listed > limits.entries {
                return Err(format!(
                    "more than {} files and folders below `{}` (catalog.maxLocationEntries); name a narrower target",
                    limits.entries,
                    shown(base)
                ));
            }
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = folder.join(&name);
            let logical = logical.join(&name);
            let file_type = entry
                .file_type()
                .map_err(|e| format!("cannot list `{}`: {e}", shown(&path)))?;
            let (canonical, is_dir) = if file_type.is_symlink() {
                match root
                    .canonical(&path)
                    .and_then(|c| Ok((root.metadata(&c)?.is_dir(), c)))
                {
                    Ok((is_dir, c)) => (c, is_dir),
                    Err(r) => {
                        out.warnings
                            .push(format!("`{}` not followed: {r}", shown(&path)));
                        continue;
                    }
                }
            } else {
                (path, file_type.is_dir())
            };
            if is_dir {
                if depth + 1 > depth_limit {
                    if prune {
                        continue;
                    }
                    return Err(format!(
                        "folders nest more than {} levels below `{}` (catalog.maxLocationDepth)",
                        limits.depth,
                        shown(base)
                    ));
                }
                if visited.insert(canonical.clone()) {
                    folders.push((logical, canonical, depth + 1));
                }
                continue;
            }
            let wanted = match pattern {
                Some(p) => p.matches_path_with(&logical, match_options),
                None => logical
                    .extension()
                    .is_some_and(|e| e == "yaml" || e == "yml"),
            };
            if wanted {
                out.files.push(canonical);
            }
        }
    }
    out.files.sort();
    out.files.dedup();
    Ok(out)
}

/// The documents of a file, each parsed or with its error.
pub(super) struct Documents {
    /// In file order.
    pub docs: Vec<Result<Value, String>>,
    /// A syntax error cut the file short: what it defines after that point is unknown.
    pub truncated: bool,
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
