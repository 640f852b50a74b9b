//! The typed error of every server function: a kind (the same kinds, hence the same HTTP
//! statuses, as the REST API's errors), a message safe to show, and for internal failures the
//! request id to find the cause in the server log. On the server, a service error becomes one
//! and sets the response status (of the `/_sf` call, or of the page being rendered).

use std::fmt;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use trellis_shared::api::ErrorKind;

/// Why a server function failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalError {
    /// What kind of failure (decides the status).
    pub kind: ErrorKind,
    /// What to show.
    pub message: String,
    /// The request's id, for internal failures.
    pub request_id: Option<String>,
}

impl PortalError {
    /// A failure of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        PortalError {
            kind,
            message: message.into(),
            request_id: None,
        }
    }

    /// Whether the thing asked for is missing (or not readable).
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
}

impl fmt::Display for PortalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for PortalError {}

impl FromServerFnError for PortalError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let kind = match &value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => ErrorKind::Unavailable,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => ErrorKind::Input,
            _ => ErrorKind::Internal,
        };
        PortalError::new(kind, value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<trellis_services::ServiceError> for PortalError {
    fn from(e: trellis_services::ServiceError) -> Self {
        use leptos::prelude::use_context;
        let kind = e.kind();
        let parts = use_context::<http::request::Parts>();
        let request_id = parts
            .as_ref()
            .and_then(|p| p.headers.get("x-request-id"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(cause) = e.internal_cause() {
            tracing::error!(
                request_id = request_id.as_deref().unwrap_or("-"),
                cause,
                "server function failed"
            );
        }
        if let (Some(response), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(kind.status()),
        ) {
            response.set_status(status);
        }
        PortalError {
            kind,
            message: e.public_message(),
            request_id: (kind == ErrorKind::Internal)
                .then_some(request_id)
                .flatten(),
        }
    }
}
