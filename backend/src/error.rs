//! The one error type of every HTTP handler, and the middleware that turns it into Backstage's
//! error envelope.
//!
//! A handler returns [`AppError`] (service errors convert into it, keeping their kind); its
//! response carries an [`ErrorInfo`] extension and no body. [`error_envelope`] then writes the
//! JSON body with the request's method, URL and request id, and logs server errors with their
//! internal cause, which never reaches the client.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use trellis_services::ServiceError;
use trellis_shared::api::{ErrorDetail, ErrorEnvelope, ErrorKind, RequestInfo, ResponseInfo};

/// Result of handlers.
pub type AppResult<T> = Result<T, AppError>;

/// Everything a handler can fail with: a kind (which decides the status, as for the pages'
/// server functions) and a message, or an internal cause that is logged, not shown.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A failure the client may be told about.
    #[error("{1}")]
    Public(ErrorKind, String),
    /// A bug or unexpected failure; the detail is logged, not shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// Bad input; the message names the parameter or field.
    pub fn input(message: impl Into<String>) -> Self {
        AppError::Public(ErrorKind::Input, message.into())
    }

    /// Missing (or not readable by the caller).
    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::Public(ErrorKind::NotFound, message.into())
    }

    /// No identity.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        AppError::Public(ErrorKind::Unauthorized, message.into())
    }

    /// Not allowed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Public(ErrorKind::Forbidden, message.into())
    }

    /// A dependency is unavailable right now.
    pub fn unavailable(message: impl Into<String>) -> Self {
        AppError::Public(ErrorKind::Unavailable, message.into())
    }

    /// The route exists, not for this method.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        AppError::Public(ErrorKind::MethodNotAllowed, message.into())
    }

    fn kind(&self) -> ErrorKind {
        match self {
            AppError::Public(kind, _) => *kind,
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Internal(cause) => AppError::Internal(cause),
            other => AppError::Public(other.kind(), other.to_string()),
        }
    }
}

impl From<trellis_store::StoreError> for AppError {
    fn from(e: trellis_store::StoreError) -> Self {
        ServiceError::from(e).into()
    }
}

/// What [`error_envelope`] needs to write the body; set by [`AppError::into_response`].
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Backstage error class name.
    pub name: &'static str,
    /// Message for the client.
    pub message: String,
    /// Cause for the log only.
    pub internal: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let kind = self.kind();
        let status =
            StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let info = match &self {
            AppError::Internal(e) => ErrorInfo {
                name: kind.name(),
                message: trellis_shared::api::INTERNAL_MESSAGE.into(),
                internal: Some(format!("{e:#}")),
            },
            AppError::Public(_, message) => ErrorInfo {
                name: kind.name(),
                message: message.clone(),
                internal: None,
            },
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(info);
        response
    }
}

/// Middleware: writes the envelope for responses that carry an [`ErrorInfo`], logging 5xx causes.
pub async fn error_envelope(request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let url = request
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut response = next.run(request).await;
    let Some(info) = response.extensions_mut().remove::<ErrorInfo>() else {
        return response;
    };
    let status = response.status();
    if let Some(cause) = &info.internal {
        tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), %status, cause, "request failed");
    }
    let envelope = ErrorEnvelope {
        error: ErrorDetail {
            name: info.name.to_string(),
            message: info.message,
        },
        request: RequestInfo {
            method,
            url,
            request_id,
        },
        response: ResponseInfo {
            status_code: status.as_u16(),
        },
    };
    let body = serde_json::to_vec(&envelope).unwrap_or_default();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}
