//! The software catalog model, in Backstage's descriptor format.
//!
//! An [`Entity`] is `apiVersion`/`kind`/`metadata`/`spec` exactly as in a `catalog-info.yaml`;
//! [`EntityRef`] is the `[kind:][namespace/]name` reference; [`validate`] applies Backstage's
//! field rules and the built-in kinds' required fields; [`relations`] derives the two-way
//! relations Backstage's processors emit. Everything here compiles for the WASM client too.

mod entity;
pub mod graph;
pub mod predicate;
pub mod query;
mod refs;
pub mod relations;
pub mod validate;

pub use entity::{Entity, EntityLink, EntityMeta, EntityRelation, RelationTarget};
pub use refs::{EntityRef, RefError, DEFAULT_NAMESPACE};

/// Annotation naming the location that manages an entity (Backstage's key).
pub const ANNOTATION_LOCATION: &str = "backstage.io/managed-by-location";
/// Annotation naming the root location an entity came from (Backstage's key).
pub const ANNOTATION_ORIGIN_LOCATION: &str = "backstage.io/managed-by-origin-location";
/// Annotation with the URL of the entity's source file.
pub const ANNOTATION_SOURCE_LOCATION: &str = "backstage.io/source-location";

#[cfg(test)]
mod tests;
