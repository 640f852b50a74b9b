//! Data the pages load, as Leptos server functions: called directly during server rendering and
//! over HTTP (`/_sf/...`) after hydration. Each body compiles only into the server (`ssr`) and
//! is one call into the service layer, reached through the one `Arc<Services>` context the
//! server provides (the same value its REST handlers use); the WASM client gets just the calls
//! and the types. Failures are [`PortalError`]s, with the REST API's statuses.

pub mod admin;
pub mod catalog;
pub mod entity;
pub mod error;
pub mod guest;
pub mod home;
pub mod palette;
pub mod viewer;

pub use error::PortalError;
pub use wire::{Fetched, Loaded, Wire};

mod wire;

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use std::sync::Arc;

    use leptos::prelude::use_context;
    use trellis_services::{Actor, Identity, Services};
    use trellis_shared::api::ErrorKind;

    use super::PortalError;

    /// The service layer.
    pub fn services() -> Result<Arc<Services>, PortalError> {
        use_context::<Arc<Services>>().ok_or_else(|| {
            tracing::error!("server function without the services context");
            PortalError::new(ErrorKind::Internal, trellis_shared::api::INTERNAL_MESSAGE)
        })
    }

    /// Who made the request being served (set by the server's sign-in middleware).
    pub fn identity() -> Result<Identity, PortalError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Identity>().cloned())
            .ok_or_else(|| {
                PortalError::new(
                    ErrorKind::Unauthorized,
                    "sign in first: the request carries no identity",
                )
            })
    }

    /// Who is acting, with the request id the audit log records.
    pub fn actor() -> Result<Actor, PortalError> {
        let request_id = use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        Ok(Actor {
            identity: identity()?,
            request_id,
        })
    }
}
