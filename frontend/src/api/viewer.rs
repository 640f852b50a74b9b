//! Who is signed in, for the page header.

use leptos::prelude::*;
pub use trellis_shared::views::admin::ViewerInfo;

use super::PortalError;

/// The signed-in user.
#[server(prefix = "/_sf", endpoint = "viewer")]
pub async fn viewer() -> Result<ViewerInfo, PortalError> {
    let services = super::server::services()?;
    Ok(services.viewer_info(&super::server::identity()?))
}
