//! The Trellis server.
//!
//! `cli` parses the command line, `config` loads and validates the YAML config once, `server`
//! starts the database, the router and the listener, `router` lists every HTTP route, `auth`
//! establishes who is asking and checks what they may do, `api` holds the JSON handlers and `web`
//! the server-side rendering of the Leptos app and its static files.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod error;
pub mod jobs;
pub mod router;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod web;

pub use error::{AppError, AppResult};
pub use state::{App, AppState};
