//! Backstage's catalog API under `/api/catalog`: same paths, parameters and shapes, so existing
//! Backstage clients and tools work against Trellis unchanged. `openapi.json` documents it.

pub mod analyze;
pub mod entities;
pub mod facets;
pub mod list;
pub mod locations;
pub mod openapi;
pub mod params;
pub mod predicate;
pub mod providers;
pub mod query;
pub mod refresh;
pub mod registration;
pub mod validate;
