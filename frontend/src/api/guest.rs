//! The guest picker's server function (guest mode only; 404 in proxy mode).

use leptos::prelude::*;
pub use trellis_shared::views::guest::*;

use super::{PortalError, Wire};

/// The users a guest may act as, matching `q`.
#[server(prefix = "/_sf", endpoint = "auth/guest")]
pub async fn guest_people(q: String) -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    Wire::encode(&services.guest_picker(&me.user_ref, &q).await?)
}

/// Calls [`guest_people`] from a chunk of its own (see `wire.rs`).
#[lazy]
pub async fn load_guest_picker(q: String) -> Result<Wire, PortalError> {
    guest_people(q).await
}
