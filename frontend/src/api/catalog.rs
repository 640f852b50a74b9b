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

/// Calls [`catalog_list`] from a chunk of its own (see `wire.rs`).
#[lazy]
pub async fn load_catalog_list(params: ListParams) -> Result<Wire, PortalError> {
    catalog_list(params).await
}
