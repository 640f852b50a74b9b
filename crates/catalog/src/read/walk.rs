//! The walk over one read: each registered location inside its confined folder, its files, their
//! documents and placeholders, and the `Location` entities they hold.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use trellis_shared::catalog::validate::validate_entity;
use trellis_shared::catalog::{
    Entity, ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, DEFAULT_NAMESPACE,
};

use super::confine::{Budget, Refusal, Root};
use super::files::{self, Target, WalkLimits};
use super::placeholders;
use super::{CatalogRead, Issue, Level, LocationSpec, ReadEntity, ReadOptions};

pub(super) struct Walk<'o> {
    pub(super) options: &'o ReadOptions,
    pub(super) out: CatalogRead,
    pub(super) sink: &'o mut dyn FnMut(ReadEntity),
    pub(super) seen_files: BTreeSet<PathBuf>,
    /// canonical ref → file that defined it first
    pub(super) defined: BTreeMap<String, String>,
    /// Whether `Location` entities' targets are read too (not when one file is refreshed).
    pub(super) follow_locations: bool,
}

/// The registered location being read: its folder and what it may still read.
struct Confined {
    root: Root,
    budget: Budget,
}

/// Where an issue is reported: the file (or target) and, when known, the entity.
struct At<'a> {
    origin: &'a str,
    file: &'a str,
    document: Option<usize>,
    entity_ref: Option<String>,
}

impl Walk<'_> {
    fn issue(&mut self, level: Level, at: &At<'_>, message: String) {
        self.out.issues.push(Issue {
            level,
            location: at.origin.to_string(),
            file: at.file.to_string(),
            document: at.document,
            entity_ref: at.entity_ref.clone(),
            message,
        });
    }

    /// A target whose files could not be listed: nothing stored from its origin may go.
    fn unlistable(&mut self, at: &At<'_>, shown: &str, message: String) {
        self.out.unreadable_files.insert(shown.to_string());
        self.out.incomplete_origins.insert(at.origin.to_string());
        self.issue(Level::Error, at, message);
    }

    pub(super) fn location(&mut self, spec: &LocationSpec, origin: &str) {
        let at = At {
            origin,
            file: &spec.target,
            document: None,
            entity_ref: None,
        };
        if spec.location_type != "file" {
            let message = format!(
                "location type `{}` is not supported; use `file`",
                spec.location_type
            );
            self.issue(Level::Error, &at, message);
            return;
        }
        let (root, target) = match files::registered(&spec.target) {
            Ok(found) => found,
            Err(message) => return self.unlistable(&at, &spec.target, message),
        };
        let mut confined = Confined {
            root,
            budget: Budget::new(self.options.max_location_bytes),
        };
        self.target(&mut confined, &target, &at, &spec.target, 0);
    }

    /// Reads one file of registered location `spec` (an entity's refresh), confined like the
    /// whole location; `Location` entities in it are not followed.
    pub(super) fn registered_file(&mut self, spec: &LocationSpec, origin: &str, file: &str) {
        let at = At {
            origin,
            file,
            document: None,
            entity_ref: None,
        };
        let (root, _) = match files::registered(&spec.target) {
            Ok(found) => found,
            Err(message) => return self.unlistable(&at, file, message),
        };
        let Some(rel) = Path::new(file)
            .strip_prefix(root.path())
            .ok()
            .map(Path::to_path_buf)
        else {
            let message = format!("`{file}` is not inside the location's folder");
            return self.unlistable(&at, file, message);
        };
        let mut confined = Confined {
            root,
            budget: Budget::new(self.options.max_location_bytes),
        };
        let path = confined.root.absolute(&rel);
        self.seen_files.insert(path.clone());
        self.file(&mut confined, &rel, &path, origin, 0);
    }

    fn target(
        &mut self,
        confined: &mut Confined,
        target: &Target,
        at: &At<'_>,
        shown: &str,
        depth: usize,
    ) {
        if depth > self.options.max_depth {
            let message = format!(
                "Location entities nest deeper than {} levels",
                self.options.max_depth
            );
            return self.unlistable(at, shown, message);
        }
        let limits = WalkLimits {
            entries: self.options.max_location_entries,
            depth: self.options.max_location_depth,
        };
        let listing = match files::expand(&confined.root, target, limits, &self.options.stop) {
            Ok(listing) => listing,
            Err(message) => return self.unlistable(at, shown, message),
        };
        for warning in listing.warnings {
            self.issue(Level::Warning, at, warning);
        }
        for rel in listing.files {
            let path = confined.root.absolute(&rel);
            if self.seen_files.insert(path.clone()) {
                self.file(confined, &rel, &path, at.origin, depth);
            }
        }
    }

    fn file(
        &mut self,
        confined: &mut Confined,
        rel: &Path,
        path: &Path,
        origin: &str,
        depth: usize,
    ) {
        let shown = path.display().to_string();
        let file_at = At {
            origin,
            file: &shown,
            document: None,
            entity_ref: None,
        };
        let options = self.options;
        let text = match confined.root.read_text(
            rel,
            options.max_file_bytes,
            &mut confined.budget,
            &options.stop,
        ) {
            Ok(text) => text,
            Err(refusal) => {
                if refusal == Refusal::Stopped {
                    self.out.incomplete_origins.insert(origin.to_string());
                }
                self.out.unreadable_files.insert(shown.clone());
                return self.issue(Level::Error, &file_at, refusal.to_string());
            }
        };
        let parsed = files::parse_documents(&text);
        drop(text);
        if parsed.truncated {
            self.out.unreadable_files.insert(shown.clone());
        }
        let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
        for (index, doc) in parsed.docs.into_iter().enumerate() {
            let mut at = At {
                origin,
                file: &shown,
                document: Some(index),
                entity_ref: None,
            };
            let mut value = match doc {
                Ok(Value::Null) => continue,
                Ok(value) => value,
                Err(message) => {
                    self.issue(Level::Error, &at, message);
                    continue;
                }
            };
            at.entity_ref = guess_ref(&value);
            let mut reader = placeholders::Reader {
                root: &confined.root,
                dir: &dir,
                max_bytes: options.max_file_bytes,
                budget: &mut confined.budget,
                stop: &options.stop,
            };
            let resolved = placeholders::resolve(&mut value, &mut reader);
            for warning in resolved.warnings {
                self.issue(Level::Warning, &at, warning);
            }
            if !resolved.errors.is_empty() {
                if let Some(entity_ref) = &at.entity_ref {
                    self.out.failed_entities.insert(entity_ref.clone());
                }
                for error in resolved.errors {
                    self.issue(
                        Level::Error,
                        &at,
                        format!("{error}; the entity is not stored from this read"),
                    );
                }
                continue;
            }
            let mut entity = match validate_entity(&value) {
                Ok(entity) => entity,
                Err(problems) => {
                    let message = problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ");
                    self.issue(Level::Error, &at, message);
                    continue;
                }
            };
            annotate(&mut entity, &shown, origin);
            let canonical = entity.entity_ref().canonical();
            at.entity_ref = Some(canonical.clone());
            if let Some(first) = self.defined.get(&canonical) {
                let message = format!(
                    "{canonical} is already defined in {first}; this definition is ignored"
                );
                self.issue(Level::Error, &at, message);
                continue;
            }
            self.defined.insert(canonical, shown.clone());
            if entity.kind == "Location" && self.follow_locations {
                self.nested_locations(confined, &entity, &dir, &at, depth);
            }
            (self.sink)(ReadEntity {
                entity,
                origin: origin.to_string(),
                file: shown.clone(),
            });
        }
    }

    /// The targets of a `Location` entity, relative to its file's folder and confined like
    /// everything else the registered location reads.
    fn nested_locations(
        &mut self,
        confined: &mut Confined,
        entity: &Entity,
        dir: &Path,
        at: &At<'_>,
        depth: usize,
    ) {
        let location_type = entity.spec_str("type").unwrap_or("file").to_string();
        for target in location_targets(entity) {
            if location_type != "file" {
                let message =
                    format!("location type `{location_type}` is not supported; use `file`");
                self.issue(Level::Error, at, message);
                continue;
            }
            match files::nested(&confined.root, dir, &target) {
                Ok(found) => self.target(confined, &found, at, &target, depth + 1),
                Err(message) => self.unlistable(at, &target, message),
            }
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
