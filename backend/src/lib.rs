//! The Trellis server.
//!
//! `cli` parses the command line (the typed config is `trellis_services::config`), `plugins`
//! lists every plugin once, `server` starts the services, the router and the listener,
//! `router` lists every HTTP route, `openapi` generates the API's documents from it, `auth`
//! establishes who is asking, `api` holds the JSON handlers (thin: each parses, calls one
//! service method, shapes the answer) and `web` the server-side rendering of the Leptos app and
//! its static files; `coalesce` and `page_cache` shape how pages go out (fewer writes, a
//! person's unchanged home page served again).

pub mod api;
pub mod auth;
pub mod cli;
pub mod coalesce;
pub mod error;
pub mod openapi;
pub mod page_cache;
pub mod page_gzip;
pub mod plugins;
pub mod router;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod web;

pub use error::{AppError, AppResult};
pub use state::AppState;
pub use trellis_services::config;
