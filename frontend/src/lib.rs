//! The Trellis web app.
//!
//! Compiled twice: with `ssr` into the server, which renders every page to HTML, and with `hydrate`
//! into the WASM client, which takes over the server's HTML. Each top-level view (home, catalog,
//! compute) is a lazy route, so the client downloads a view's code only when the view is opened.
//! Nothing here may depend on a server-only crate: server-only code stays behind `feature = "ssr"`.

pub mod api;
pub mod app;
pub mod components;
pub mod pages;
mod preload;

pub use preload::page_patterns;

pub use app::{shell, App};
