//! Reading locations into entities.
//!
//! A location is `{type: file, target}` as in Backstage's `catalog.locations`; the target is a
//! file, a directory (every `*.yaml`/`*.yml` below it) or a glob. Each file may hold several YAML
//! documents. `Location` entities add their targets, relative to their own file. Every entity is
//! validated, gets Backstage's location annotations and its namespace filled in; problems are
//! collected as [`Issue`]s naming file, document and reason, and never stop the other documents.

mod files;
mod placeholders;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use trellis_shared::catalog::validate::validate_entity;
use trellis_shared::catalog::{
    Entity, ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, DEFAULT_NAMESPACE,
};

/// A registered location.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Deserialize)]
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

/// Limits on what is read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Larger files are refused.
    pub max_file_bytes: u64,
    /// How deep `Location` entities may nest.
    pub max_depth: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_bytes: 1024 * 1024,
            max_depth: 16,
        }
    }
}

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The entity or file was not taken.
    Error,
    /// Taken, with something to fix.
    Warning,
}

/// A problem found while reading, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
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
}

/// Reads every location, following `Location` entities.
pub fn read_locations(locations: &[LocationSpec], options: &ReadOptions) -> CatalogRead {
    let mut entities = Vec::new();
    let mut read = read_locations_into(locations, options, &mut |e| entities.push(e));
    read.entities = entities;
    read
}

/// Reads every location like [`read_locations`], handing each valid entity to `sink` as soon as
/// it is read instead of collecting them (the returned read has no `entities`): a large catalog
/// is never held in memory as a whole.
pub fn read_locations_into(
    locations: &[LocationSpec],
    options: &ReadOptions,
    sink: &mut dyn FnMut(ReadEntity),
) -> CatalogRead {
    let mut walk = Walk {
        options,
        out: CatalogRead::default(),
        sink,
        seen_files: BTreeSet::new(),
        defined: BTreeMap::new(),
    };
    for spec in locations {
        walk.location(spec, &spec.key(), None, 0);
    }
    walk.out
}

struct Walk<'o> {
    options: &'o ReadOptions,
    out: CatalogRead,
    sink: &'o mut dyn FnMut(ReadEntity),
    seen_files: BTreeSet<PathBuf>,
    /// canonical ref → file that defined it first
    defined: BTreeMap<String, String>,
}

impl Walk<'_> {
    fn issue(
        &mut self,
        level: Level,
        origin: &str,
        file: &str,
        document: Option<usize>,
        entity_ref: Option<String>,
        message: String,
    ) {
        self.out.issues.push(Issue {
            level,
            location: origin.to_string(),
            file: file.to_string(),
            document,
            entity_ref,
            message,
        });
    }

    fn location(&mut self, spec: &LocationSpec, origin: &str, base: Option<&Path>, depth: usize) {
        if spec.location_type != "file" {
            let message = format!(
                "location type `{}` is not supported; use `file`",
                spec.location_type
            );
            self.issue(Level::Error, origin, &spec.target, None, None, message);
            return;
        }
        if depth > self.options.max_depth {
            let message = format!(
                "Location entities nest deeper than {} levels",
                self.options.max_depth
            );
            self.issue(Level::Error, origin, &spec.target, None, None, message);
            return;
        }
        let paths = match files::expand(&spec.target, base) {
            Ok(paths) => paths,
            Err(message) => {
                self.out.unreadable_files.insert(spec.target.clone());
                self.out.incomplete_origins.insert(origin.to_string());
                self.issue(Level::Error, origin, &spec.target, None, None, message);
                return;
            }
        };
        for path in paths {
            if self.seen_files.insert(path.clone()) {
                self.file(&path, origin, depth);
            }
        }
    }

    fn file(&mut self, path: &Path, origin: &str, depth: usize) {
        let shown = path.display().to_string();
        let documents = match files::read_documents(path, self.options.max_file_bytes) {
            Ok(parsed) => {
                if parsed.truncated {
                    self.out.unreadable_files.insert(shown.clone());
                }
                parsed.docs
            }
            Err(message) => {
                self.out.unreadable_files.insert(shown.clone());
                self.issue(Level::Error, origin, &shown, None, None, message);
                return;
            }
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for (index, doc) in documents.into_iter().enumerate() {
            let mut value = match doc {
                Ok(Value::Null) => continue,
                Ok(value) => value,
                Err(message) => {
                    self.issue(Level::Error, origin, &shown, Some(index), None, message);
                    continue;
                }
            };
            let guessed_ref = guess_ref(&value);
            for warning in placeholders::resolve(&mut value, &dir) {
                self.issue(
                    Level::Warning,
                    origin,
                    &shown,
                    Some(index),
                    guessed_ref.clone(),
                    warning,
                );
            }
            let mut entity = match validate_entity(&value) {
                Ok(entity) => entity,
                Err(problems) => {
                    let message = problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ");
                    self.issue(
                        Level::Error,
                        origin,
                        &shown,
                        Some(index),
                        guessed_ref,
                        message,
                    );
                    continue;
                }
            };
            annotate(&mut entity, &shown, origin);
            let canonical = entity.entity_ref().canonical();
            if let Some(first) = self.defined.get(&canonical) {
                let message = format!(
                    "{canonical} is already defined in {first}; this definition is ignored"
                );
                self.issue(
                    Level::Error,
                    origin,
                    &shown,
                    Some(index),
                    Some(canonical),
                    message,
                );
                continue;
            }
            self.defined.insert(canonical, shown.clone());
            if entity.kind == "Location" {
                for target in location_targets(&entity) {
                    let spec = LocationSpec {
                        location_type: entity.spec_str("type").unwrap_or("file").to_string(),
                        target,
                    };
                    self.location(&spec, origin, Some(&dir), depth + 1);
                }
            }
            (self.sink)(ReadEntity {
                entity,
                origin: origin.to_string(),
                file: shown.clone(),
            });
        }
    }
}

fn location_targets(entity: &Entity) -> Vec<String> {
    let mut targets: Vec<String> = entity
        .spec_strings("target")
        .into_iter()
        .map(str::to_string)
        .collect();
    targets.extend(
        entity
            .spec_strings("targets")
            .into_iter()
            .map(str::to_string),
    );
    targets
}

/// `kind:namespace/name` of a document that failed validation, when it says enough to tell.
fn guess_ref(value: &Value) -> Option<String> {
    let kind = value.get("kind")?.as_str()?;
    let meta = value.get("metadata")?;
    let name = meta.get("name")?.as_str()?;
    let ns = meta
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_NAMESPACE);
    Some(format!(
        "{}:{}/{}",
        kind.to_lowercase(),
        ns.to_lowercase(),
        name.to_lowercase()
    ))
}

fn annotate(entity: &mut Entity, file: &str, origin: &str) {
    entity
        .metadata
        .namespace
        .get_or_insert_with(|| DEFAULT_NAMESPACE.to_string());
    let annotations = &mut entity.metadata.annotations;
    annotations.insert(ANNOTATION_LOCATION.into(), format!("file:{file}"));
    annotations.insert(ANNOTATION_ORIGIN_LOCATION.into(), origin.to_string());
}
