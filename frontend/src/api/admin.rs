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

/// Calls [`admin_jobs`] from a chunk of its own (see `wire.rs`).
#[lazy]
pub async fn load_admin_jobs() -> Result<Wire, PortalError> {
    admin_jobs().await
}

/// Calls [`admin_audit`] from a chunk of its own (see `wire.rs`).
#[lazy]
pub async fn load_admin_audit(filter: AuditFilter) -> Result<Wire, PortalError> {
    admin_audit(filter).await
}
