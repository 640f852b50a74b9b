//! The guest picker's data (guest mode only): whose view a visitor may act as.

use serde::{Deserialize, Serialize};

/// Most users one picker page lists; a search narrows the rest.
pub const GUEST_PAGE: usize = 100;

/// Someone a guest can act as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestUser {
    /// Canonical ref (`user:default/ann`), the value the picker posts.
    pub entity_ref: String,
    /// Display name (profile, else title, else name).
    pub display_name: String,
    /// E-mail, when the profile has one.
    pub email: Option<String>,
    /// The groups it is a member of (refs).
    pub teams: Vec<String>,
}

/// The picker page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestPicker {
    /// Whom the visitor acts as now.
    pub current: String,
    /// Users matching the search, by name.
    pub users: Vec<GuestUser>,
    /// Whether more users match than are listed.
    pub more: bool,
}
