//! Confined, bounded file access for a catalog read.
//!
//! Everything a registered location brings in (its descriptor files, the targets of the
//! `Location` entities in them, and `$text`/`$json`/`$yaml` placeholders) is read inside one
//! folder, the location's [`Root`]: the folder of a file target, or the folder itself (or a glob's
//! literal prefix). Paths are resolved by `cap-std` beneath that folder (openat2 with
//! `RESOLVE_BENEATH` on Linux), so neither `..`, an absolute path nor a symlink can lead out of
//! it. Only regular files are read (checked before opening and again on the open descriptor; the
//! open never blocks on a FIFO), never more than `max_file_bytes` each, and never more than a
//! [`Budget`] in all per registered location. A refusal names its reason and never carries the
//! content of what it refused.

use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use cap_std::fs::{Dir, FileType, FileTypeExt, OpenOptions, OpenOptionsExt};
use tokio_util::sync::CancellationToken;

/// Why a path was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An absolute path, where only paths inside the location's folder may be named.
    Absolute,
    /// `..` steps out of the location's folder.
    LeavesFolder,
    /// A symlink on the path points outside the location's folder.
    SymlinkOut,
    /// Nothing is there.
    Missing,
    /// A folder, device, FIFO or socket: only regular files are read.
    NotRegular(&'static str),
    /// Larger than `max_file_bytes`.
    TooLarge {
        /// The size found (at least; a file that grows while read is cut at the limit).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The location's total read budget would be passed.
    Budget(u64),
    /// Not UTF-8 text.
    NotUtf8,
    /// The read was cancelled (the server is stopping).
    Stopped,
    /// Any other I/O failure, by its kind only.
    Io(io::ErrorKind),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Absolute => f.write_str(
                "absolute paths are refused: name a file inside the location's folder, relative to this file",
            ),
            Refusal::LeavesFolder => f.write_str("the path leaves the location's folder (`..`)"),
            Refusal::SymlinkOut => {
                f.write_str("a symlink on the path points outside the location's folder")
            }
            Refusal::Missing => f.write_str("no such file"),
            Refusal::NotRegular(what) => write!(f, "not a regular file but a {what}"),
            Refusal::TooLarge { size, limit } => write!(
                f,
                "file is {size} bytes or more, over the {limit}-byte limit (catalog.maxFileBytes)"
            ),
            Refusal::Budget(limit) => write!(
                f,
                "the location has read its budget of {limit} bytes (catalog.maxLocationBytes)"
            ),
            Refusal::NotUtf8 => f.write_str("file is not UTF-8 text"),
            Refusal::Stopped => f.write_str("the read was cancelled (the server is stopping)"),
            Refusal::Io(kind) => write!(f, "cannot read: {kind}"),
        }
    }
}

/// Bytes a registered location may still read in all.
#[derive(Debug)]
pub(super) struct Budget {
    left: u64,
    limit: u64,
}

impl Budget {
    pub(super) fn new(limit: u64) -> Self {
        Budget { left: limit, limit }
    }
}

/// The folder a registered location is confined to.
#[derive(Debug)]
pub(super) struct Root {
    dir: Dir,
    /// Canonical absolute path of the folder, for display and annotations.
    path: PathBuf,
}

/// `path` with `.` dropped and `..` applied, or `LeavesFolder` when `..` climbs above its start.
pub(super) fn normalize(path: &Path) -> Result<PathBuf, Refusal> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(name) => out.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return Err(Refusal::LeavesFolder);
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(Refusal::Absolute),
        }
    }
    Ok(out)
}

/// What a file type is, for refusals.
fn describe(file_type: FileType) -> Option<&'static str> {
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("folder")
    } else if file_type.is_fifo() {
        Some("FIFO")
    } else if file_type.is_socket() {
        Some("socket")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("device")
    } else {
        Some("special file")
    }
}

/// Chunk size of bounded reads: the cancellation flag is checked between chunks.
const CHUNK: usize = 64 * 1024;

impl Root {
    /// Opens `path` (an existing folder) as a root.
    pub(super) fn open(path: &Path) -> io::Result<Root> {
        let path = std::fs::canonicalize(path)?;
        let dir = Dir::open_ambient_dir(&path, cap_std::ambient_authority())?;
        Ok(Root { dir, path })
    }

    /// The folder's canonical absolute path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Absolute form of `rel`, a path inside the root.
    pub(super) fn absolute(&self, rel: &Path) -> PathBuf {
        if rel.as_os_str().is_empty() {
            self.path.clone()
        } else {
            self.path.join(rel)
        }
    }

    /// The reason `rel` (already normalized) cannot be opened, from the I/O error that said so.
    fn explain(&self, rel: &Path, error: &io::Error) -> Refusal {
        if error.kind() == io::ErrorKind::NotFound {
            return Refusal::Missing;
        }
        // cap-std reports an escape as PermissionDenied; tell it from a real permission error by
        // resolving the path outside the sandbox (for the message only: nothing is opened there).
        match std::fs::canonicalize(self.path.join(rel)) {
            Ok(resolved) if !resolved.starts_with(&self.path) => Refusal::SymlinkOut,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Refusal::Missing,
            _ => Refusal::Io(error.kind()),
        }
    }

    /// Metadata of `rel` inside the root, symlinks followed (but never out of it).
    pub(super) fn metadata(&self, rel: &Path) -> Result<cap_std::fs::Metadata, Refusal> {
        let rel = normalize(rel)?;
        self.dir
            .metadata(dot(&rel))
            .map_err(|e| self.explain(&rel, &e))
    }

    /// Canonical form of `rel` inside the root (symlinks resolved), relative to it.
    pub(super) fn canonical(&self, rel: &Path) -> Result<PathBuf, Refusal> {
        let rel = normalize(rel)?;
        self.dir
            .canonicalize(dot(&rel))
            .map(|p| normalize(&p).unwrap_or(p))
            .map_err(|e| self.explain(&rel, &e))
    }

    /// The entries of folder `rel`.
    pub(super) fn entries(&self, rel: &Path) -> Result<cap_std::fs::ReadDir, Refusal> {
        self.dir
            .read_dir(dot(rel))
            .map_err(|e| self.explain(rel, &e))
    }

    /// Reads `rel` as UTF-8 text: a regular file inside the root, at most `limit` bytes, charged
    /// to `budget`. Stops early when `stop` is cancelled.
    pub(super) fn read_text(
        &self,
        rel: &Path,
        limit: u64,
        budget: &mut Budget,
        stop: &CancellationToken,
    ) -> Result<String, Refusal> {
        if rel.is_absolute() {
            return Err(Refusal::Absolute);
        }
        let rel = normalize(rel)?;
        if stop.is_cancelled() {
            return Err(Refusal::Stopped);
        }
        // Checked before opening, so a device or FIFO is never opened at all...
        let before = self.metadata(&rel)?;
        if let Some(what) = describe(before.file_type()) {
            return Err(Refusal::NotRegular(what));
        }
        let mut options = OpenOptions::new();
        options
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
        let file = self
            .dir
            .open_with(&rel, &options)
            .map_err(|e| self.explain(&rel, &e))?;
        // ...and again on what was opened, in case the path changed in between.
        let meta = file.metadata().map_err(|e| Refusal::Io(e.kind()))?;
        if let Some(what) = describe(meta.file_type()) {
            return Err(Refusal::NotRegular(what));
        }
        if meta.len() > limit {
            return Err(Refusal::TooLarge {
                size: meta.len(),
                limit,
            });
        }
        if meta.len() > budget.left {
            return Err(Refusal::Budget(budget.limit));
        }
        // Sizes can lie (procfs says 0, a file can grow): never read past the limit.
        let cap = limit.min(budget.left);
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        let mut reader = file.take(cap + 1);
        let mut chunk = vec![0u8; CHUNK];
        loop {
            if stop.is_cancelled() {
                return Err(Refusal::Stopped);
            }
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Refusal::Io(e.kind())),
            };
            bytes.extend_from_slice(&chunk[..n]);
        }
        let read = bytes.len() as u64;
        if read > limit {
            return Err(Refusal::TooLarge { size: read, limit });
        }
        if read > budget.left {
            return Err(Refusal::Budget(budget.limit));
        }
        budget.left -= read;
        String::from_utf8(bytes).map_err(|_| Refusal::NotUtf8)
    }
}

/// cap-std names the root itself `.`, not the empty path.
fn dot(rel: &Path) -> &Path {
    if rel.as_os_str().is_empty() {
        Path::new(".")
    } else {
        rel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_applies_dots_and_refuses_climbing_out() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Ok(PathBuf::from("a/c")));
        assert_eq!(normalize(Path::new("a/..")), Ok(PathBuf::new()));
        assert_eq!(normalize(Path::new("a/../..")), Err(Refusal::LeavesFolder));
        assert_eq!(normalize(Path::new("/etc/passwd")), Err(Refusal::Absolute));
    }
}
