//! The one error type of every HTTP handler, and the middleware that turns it into Backstage's
//! error envelope.
//!
//! A handler returns [`AppError`]; its response carries an [`ErrorInfo`] extension and no body.
//! [`error_envelope`] then writes the JSON body with the request's method, URL and request id, and
//! logs server errors with their internal cause, which never reaches the client.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use trellis_shared::api::{ErrorDetail, ErrorEnvelope, RequestInfo, ResponseInfo};
use trellis_store::StoreError;

/// Result of handlers.
pub type AppResult<T> = Result<T, AppError>;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input; the message names the parameter or field.
    #[error("{0}")]
    Input(String),
    /// No identity: sign in first.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The route exists, but not for this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The change conflicts with stored state.
    #[error("{0}")]
    Conflict(String),
    /// A dependency (database, directory, API) is not available right now.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or unexpected failure; the detail is logged, not shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
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

impl AppError {
    fn status_and_name(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::Input(_) => (StatusCode::BAD_REQUEST, "InputError"),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "AuthenticationError"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "NotAllowedError"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "NotFoundError"),
            AppError::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowedError")
            }
            AppError::Conflict(_) => (StatusCode::CONFLICT, "ConflictError"),
            AppError::Unavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailableError")
            }
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Error"),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid { .. } | StoreError::UnsupportedUrl(_) => {
                AppError::Input(e.to_string())
            }
            StoreError::NotFound(what) => AppError::NotFound(format!("{what} not found")),
            StoreError::Conflict(msg) => AppError::Conflict(msg),
            StoreError::Database(sqlx::Error::PoolTimedOut) => {
                AppError::Unavailable("the database is busy".into())
            }
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, name) = self.status_and_name();
        let info = match &self {
            AppError::Internal(e) => ErrorInfo {
                name,
                message: "Internal server error; see the server log for this request id".into(),
                internal: Some(format!("{e:#}")),
            },
            other => ErrorInfo {
                name,
                message: other.to_string(),
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
