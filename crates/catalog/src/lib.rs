//! The Trellis software catalog, server side.
//!
//! [`read`] turns registered locations (files, globs, directories, and the `Location` entities
//! found in them) into validated entities with their relations, plus a list of per-file and
//! per-entity errors: one bad document never blocks the others. Storing the result and serving
//! it through Backstage's catalog API build on this.

pub mod read;

pub use read::{
    read_locations, read_locations_into, CatalogRead, FileRoots, Issue, Level, LocationSpec,
    ReadEntity, ReadOptions,
};
pub mod store;
