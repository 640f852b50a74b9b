//! The catalog list page's server function.

use leptos::prelude::*;
pub use trellis_shared::views::catalog::*;

use super::{PortalError, Wire};

/// One page of the catalog list, with its filter options.
#[server(prefix = "/_sf", endpoint = "catalog/list")]
pub async fn catalog_list(params: ListParams) -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    Wire::encode(&services.catalog(&me).list_page(params).await?)
}

/// Loads [`catalog_list`]: the server function directly while the server renders, from a chunk of its
/// own in the browser. (A `#[lazy]` call during rendering would add a preload of that
/// chunk to the page: Leptos registers it on the server, at times it does not, so pages
/// fetched more or fewer chunks from one load to the next.)
pub async fn load_catalog_list(params: ListParams) -> Result<Wire, PortalError> {
    #[cfg(feature = "ssr")]
    return catalog_list(params).await;
    #[cfg(not(feature = "ssr"))]
    return fetch_catalog_list_lazily(params).await;
}

#[lazy]
#[cfg_attr(feature = "ssr", allow(dead_code))]
async fn fetch_catalog_list_lazily(params: ListParams) -> Result<Wire, PortalError> {
    catalog_list(params).await
}
