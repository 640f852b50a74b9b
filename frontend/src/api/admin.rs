//! The admin page's server functions: the background jobs with their recent runs, and the
//! audit log. Both are admin reads the service layer checks (and audits when refused), exactly
//! as for the REST API.

use leptos::prelude::*;
pub use trellis_shared::views::admin::*;

use super::{PortalError, Wire};

/// The jobs with their ten newest runs.
#[server(prefix = "/_sf", endpoint = "admin/jobs")]
pub async fn admin_jobs() -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    Wire::encode(&services.admin_jobs(&super::server::actor()?).await?)
}

/// A page of the audit log.
#[server(prefix = "/_sf", endpoint = "admin/audit")]
pub async fn admin_audit(filter: AuditFilter) -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    Wire::encode(
        &services
            .audit_page(&super::server::actor()?, &filter)
            .await?,
    )
}

/// Loads [`admin_jobs`]: the server function directly while the server renders, from a chunk of its
/// own in the browser. (A `#[lazy]` call during rendering would add a preload of that
/// chunk to the page: Leptos registers it on the server, at times it does not, so pages
/// fetched more or fewer chunks from one load to the next.)
pub async fn load_admin_jobs() -> Result<Wire, PortalError> {
    #[cfg(feature = "ssr")]
    return admin_jobs().await;
    #[cfg(not(feature = "ssr"))]
    return fetch_admin_jobs_lazily().await;
}

#[lazy]
#[cfg_attr(feature = "ssr", allow(dead_code))]
async fn fetch_admin_jobs_lazily() -> Result<Wire, PortalError> {
    admin_jobs().await
}

/// Loads [`admin_audit`]: the server function directly while the server renders, from a chunk of its
/// own in the browser. (A `#[lazy]` call during rendering would add a preload of that
/// chunk to the page: Leptos registers it on the server, at times it does not, so pages
/// fetched more or fewer chunks from one load to the next.)
pub async fn load_admin_audit(filter: AuditFilter) -> Result<Wire, PortalError> {
    #[cfg(feature = "ssr")]
    return admin_audit(filter).await;
    #[cfg(not(feature = "ssr"))]
    return fetch_admin_audit_lazily(filter).await;
}

#[lazy]
#[cfg_attr(feature = "ssr", allow(dead_code))]
async fn fetch_admin_audit_lazily(filter: AuditFilter) -> Result<Wire, PortalError> {
    admin_audit(filter).await
}
