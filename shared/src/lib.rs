//! The Trellis SDK.
//!
//! Everything in here compiles for both the server and the WASM client, so it may depend only on
//! small, target-neutral crates (serde). The `openapi` feature, which only the server enables,
//! adds `utoipa::ToSchema` to the API types for the server's OpenAPI document. Integrations and
//! widgets written by other teams build on these types; the server-only crates (store, LDAP,
//! integrations, kube) never appear here.

pub mod api;
pub mod auth;
pub mod catalog;
pub mod github;
pub mod nav;
pub mod views;
