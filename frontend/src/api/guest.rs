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

/// Loads [`guest_people`]: the server function directly while the server renders, from a chunk of its
/// own in the browser. (A `#[lazy]` call during rendering would add a preload of that
/// chunk to the page: Leptos registers it on the server, at times it does not, so pages
/// fetched more or fewer chunks from one load to the next.)
pub async fn load_guest_picker(q: String) -> Result<Wire, PortalError> {
    #[cfg(feature = "ssr")]
    return guest_people(q).await;
    #[cfg(not(feature = "ssr"))]
    return fetch_guest_picker_lazily(q).await;
}

#[lazy]
#[cfg_attr(feature = "ssr", allow(dead_code))]
async fn fetch_guest_picker_lazily(q: String) -> Result<Wire, PortalError> {
    guest_people(q).await
}
