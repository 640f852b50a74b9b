//! The catalog list page's server function.

use leptos::prelude::*;
pub use trellis_shared::views::catalog::*;

use super::PortalError;

/// One page of the catalog list, with its filter options.
#[server(prefix = "/_sf", endpoint = "catalog/list")]
pub async fn catalog_list(params: ListParams) -> Result<ListPage, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    Ok(services.catalog(&me).list_page(params).await?)
}
