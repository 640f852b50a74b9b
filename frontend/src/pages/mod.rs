//! One module per top-level view. Each view is a lazy route: its code is a separate WASM chunk.

pub mod admin;
pub mod catalog;
pub mod compute;
pub mod guest;
pub mod home;
pub mod not_found;

use trellis_shared::nav::{section_for, Section};

/// The section definition for a path known to be one of ours.
fn section(path: &str) -> Section {
    section_for(path).copied().unwrap_or(Section {
        path: "/",
        label: "Trellis",
        summary: "",
    })
}
