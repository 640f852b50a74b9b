//! Backstage's catalog API under `/api/catalog`: same paths, parameters and shapes, so existing
//! Backstage clients and tools work against Trellis unchanged.

pub mod entities;
pub mod refresh;
