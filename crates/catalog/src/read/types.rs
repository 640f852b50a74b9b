//! The read's types: registered locations, limits, issues and what a read produced.

use std::collections::BTreeSet;

use serde::Deserialize;
use tokio_util::sync::CancellationToken;
use trellis_shared::catalog::Entity;

/// A registered location.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LocationTarget))]
pub struct LocationSpec {
    /// Location type; `file` is read here.
    #[serde(rename = "type")]
    pub location_type: String,
    /// Path, directory or glob.
    pub target: String,
}

impl LocationSpec {
    /// A `file` location.
    pub fn file(target: impl Into<String>) -> Self {
        LocationSpec {
            location_type: "file".into(),
            target: target.into(),
        }
    }

    /// Backstage's string form, `type:target`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.location_type, self.target)
    }
}

/// Limits on what is read, and the switch that stops a read early.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Larger files (descriptors and placeholder targets) are refused without being read.
    pub max_file_bytes: u64,
    /// How deep `Location` entities may nest.
    pub max_depth: usize,
    /// Bytes one registered location may read in all, its nested locations and placeholders
    /// included.
    pub max_location_bytes: u64,
    /// Files and folders a folder or glob walk may list.
    pub max_location_entries: usize,
    /// Folder levels a folder or glob walk may descend.
    pub max_location_depth: usize,
    /// Cancelled when the server stops: the read ends at its next file or 64 KiB chunk, and
    /// what it did not finish counts as unreadable (so nothing stored is dropped).
    pub stop: CancellationToken,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_bytes: 1024 * 1024,
            max_depth: 16,
            max_location_bytes: 512 * 1024 * 1024,
            max_location_entries: 50_000,
            max_location_depth: 16,
            stop: CancellationToken::new(),
        }
    }
}

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = IssueLevel))]
pub enum Level {
    /// The entity or file was not taken.
    Error,
    /// Taken, with something to fix.
    Warning,
}

/// A problem found while reading, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LocationIssue))]
pub struct Issue {
    /// Error or warning.
    pub level: Level,
    /// The registered location it was found under.
    pub location: String,
    /// The file.
    pub file: String,
    /// 0-based YAML document within the file, if the problem is in one.
    pub document: Option<usize>,
    /// The entity concerned, if known.
    pub entity_ref: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// A valid entity and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadEntity {
    /// The entity, annotated and with its namespace set.
    pub entity: Entity,
    /// The registered location it came through (its origin).
    pub origin: String,
    /// The file it is defined in.
    pub file: String,
}

/// Everything a read produced.
#[derive(Debug, Clone, Default)]
pub struct CatalogRead {
    /// Valid entities, first definition of each ref wins.
    pub entities: Vec<ReadEntity>,
    /// Errors and warnings.
    pub issues: Vec<Issue>,
    /// Files that could not be read or parsed at all: entities stored from them earlier must be
    /// kept, since their source did not really drop them.
    pub unreadable_files: BTreeSet<String>,
    /// Registered locations where a target could not be listed at all (missing file or folder,
    /// bad glob): what they define is unknown, so nothing stored from them may be dropped.
    pub incomplete_origins: BTreeSet<String>,
    /// Entities (canonical refs) whose documents were refused this time (a placeholder that
    /// could not be resolved): a version stored earlier is kept.
    pub failed_entities: BTreeSet<String>,
}
