//! The admin page's server functions: the background jobs with their recent runs, and the
//! audit log. Both are admin reads the service layer checks (and audits when refused), exactly
//! as for the REST API.

use leptos::prelude::*;
pub use trellis_shared::views::admin::*;

use super::PortalError;

/// The jobs with their ten newest runs.
#[server(prefix = "/_sf", endpoint = "admin/jobs")]
pub async fn admin_jobs() -> Result<Vec<JobStatus>, PortalError> {
    let services = super::server::services()?;
    Ok(services.admin_jobs(&super::server::actor()?).await?)
}

/// A page of the audit log.
#[server(prefix = "/_sf", endpoint = "admin/audit")]
pub async fn admin_audit(filter: AuditFilter) -> Result<AuditPage, PortalError> {
    let services = super::server::services()?;
    Ok(services
        .audit_page(&super::server::actor()?, &filter)
        .await?)
}
