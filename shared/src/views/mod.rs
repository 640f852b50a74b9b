//! The data each page shows, as the service layer returns it and the pages' server functions
//! carry it to the browser: plain types, shared by the server and the WASM client.

pub mod admin;
pub mod catalog;
pub mod commits;
pub mod dashboards;
pub mod entity;
pub mod guest;
pub mod home;
pub mod palette;
pub mod personal;
