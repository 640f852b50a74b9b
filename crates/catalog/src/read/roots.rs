//! The folders file locations may be registered from through the API (`catalog.fileRoots`).
//!
//! A location registered through the API is read by the server with the server's rights, so its
//! target must be a regular file, a folder, or a glob below one of these folders, after symlinks
//! are resolved. Configured locations are trusted (whoever writes the config runs the server);
//! by default their folders, and the demo catalog's, are the roots.

use std::path::{Path, PathBuf};

use super::files::{self, split_glob};
use super::LocationSpec;

/// Folders no root may be in: the kernel's views of processes, devices and the system.
const FORBIDDEN: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Canonical folders that registered file locations must be inside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRoots(Vec<PathBuf>);

impl FileRoots {
    /// The roots given in the config (`catalog.fileRoots`): each must be an existing folder
    /// outside `/proc`, `/sys` and `/dev`. The error names the entry.
    pub fn configured(paths: &[PathBuf]) -> Result<FileRoots, String> {
        let mut roots = Vec::new();
        for (i, path) in paths.iter().enumerate() {
            let key = format!("catalog.fileRoots[{i}]");
            let resolved = std::fs::canonicalize(path)
                .map_err(|e| format!("{key}: cannot use `{}`: {e}", path.display()))?;
            if !resolved.is_dir() {
                return Err(format!("{key}: `{}` is not a folder", path.display()));
            }
            if FORBIDDEN.iter().any(|f| resolved.starts_with(f)) || resolved == Path::new("/") {
                return Err(format!(
                    "{key}: `{}` would expose the system's files; name the folders that hold catalog files",
                    path.display()
                ));
            }
            roots.push(resolved);
        }
        Ok(FileRoots(roots))
    }

    /// The default: the folder each configured file location is confined to (the folder of a
    /// file, the folder itself, a glob's literal folders). Locations that cannot be resolved now
    /// are left out and returned, so the caller can warn about them.
    pub fn of_locations(locations: &[LocationSpec]) -> (FileRoots, Vec<String>) {
        let mut roots: Vec<PathBuf> = Vec::new();
        let mut missing = Vec::new();
        for spec in locations.iter().filter(|l| l.location_type == "file") {
            match files::registered(&spec.target) {
                Ok((root, _)) => roots.push(root.path().to_path_buf()),
                Err(message) => missing.push(message),
            }
        }
        roots.sort();
        roots.dedup();
        (FileRoots(roots), missing)
    }

    /// The roots, canonical.
    pub fn paths(&self) -> &[PathBuf] {
        &self.0
    }

    fn contains(&self, path: &Path) -> bool {
        self.0.iter().any(|root| path.starts_with(root))
    }

    fn listed(&self) -> String {
        if self.0.is_empty() {
            return "none".into();
        }
        self.0
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The target a file location may be registered under: `target` resolved (symlinks and
    /// `..` applied), inside a root, and a regular file or folder (for a glob: its literal
    /// folders). Only metadata is looked at, so the answer is quick whatever the target is.
    pub fn check(&self, target: &str) -> Result<String, String> {
        let outside = |shown: &str| {
            format!(
                "target: `{shown}` is outside the folders file locations may be registered from (catalog.fileRoots: {})",
                self.listed()
            )
        };
        let (path, pattern) = if target.contains(['*', '?', '[']) {
            let (base, _, text) = split_glob(target)?;
            let base = if base.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                base
            };
            (base, Some(text))
        } else {
            (PathBuf::from(target), None)
        };
        let resolved = std::fs::canonicalize(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("target: `{}` does not exist", path.display()),
            kind => format!("target: cannot resolve `{}`: {kind}", path.display()),
        })?;
        if !self.contains(&resolved) {
            return Err(outside(target));
        }
        let meta = std::fs::metadata(&resolved)
            .map_err(|e| format!("target: cannot read `{target}`: {}", e.kind()))?;
        match pattern {
            Some(text) if meta.is_dir() => Ok(format!("{}/{text}", resolved.display())),
            Some(_) => Err(format!("target: the folders of `{target}` are not a folder")),
            None if meta.is_file() || meta.is_dir() => Ok(resolved.display().to_string()),
            None => Err(format!(
                "target: `{target}` is not a regular file or folder (catalog.fileRoots holds only those)"
            )),
        }
    }
}
