//! Reading locations into entities.
//!
//! A location is `{type: file, target}` as in Backstage's `catalog.locations`; the target is a
//! file, a directory (every `*.yaml`/`*.yml` below it) or a glob. Each file may hold several YAML
//! documents. `Location` entities add their targets, relative to their own file. Every entity is
//! validated, gets Backstage's location annotations and its namespace filled in; problems are
//! collected as [`Issue`]s naming file, document and reason, and never stop the other documents.
//!
//! Everything a registered location brings in is read inside its folder and within bounds
//! (`confine`): catalog files are written by whoever can commit to a repository, so what they
//! name is confined to that repository's folder, read only if it is a regular file, and capped.

mod confine;
mod files;
mod placeholders;
mod roots;
mod types;
mod walk;

pub use confine::Refusal;
pub use roots::FileRoots;
pub use types::{CatalogRead, Issue, Level, LocationSpec, ReadEntity, ReadOptions};

use std::collections::{BTreeMap, BTreeSet};

use walk::Walk;

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
        follow_locations: true,
    };
    for spec in locations {
        walk.location(spec, &spec.key());
    }
    walk.out
}

/// Reads one file of registered location `origin` (the file an entity came from), confined to
/// the location's folder like a whole read. `Location` entities in it are read as entities but
/// not followed: the files they name are not part of this read.
pub fn read_file(origin: &LocationSpec, file: &str, options: &ReadOptions) -> CatalogRead {
    let mut entities = Vec::new();
    let mut sink = |e| entities.push(e);
    let mut walk = Walk {
        options,
        out: CatalogRead::default(),
        sink: &mut sink,
        seen_files: BTreeSet::new(),
        defined: BTreeMap::new(),
        follow_locations: false,
    };
    walk.registered_file(origin, &origin.key(), file);
    let mut read = walk.out;
    read.entities = entities;
    read
}
