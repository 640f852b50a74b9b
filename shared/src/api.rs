//! Wire types of Trellis' own HTTP API that the client and tools read.
//!
//! Errors use Backstage's error envelope (`{"error": {...}, "request": {...}, "response": {...}}`) so
//! tools written against Backstage's backend understand Trellis' errors unchanged.

use serde::{Deserialize, Serialize};

/// What kind of failure an error is: decides its HTTP status and Backstage's error name, the
/// same whether the REST API or a page's server function reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// Bad input; the message names the parameter or field.
    Input,
    /// No identity: sign in first.
    Unauthorized,
    /// Signed in, but not allowed.
    Forbidden,
    /// The thing asked for does not exist (or may not be seen).
    NotFound,
    /// The route exists, not for this method.
    MethodNotAllowed,
    /// The change conflicts with stored state.
    Conflict,
    /// A dependency is not available right now.
    Unavailable,
    /// The caller asked too often; try again later.
    TooManyRequests,
    /// A bug or unexpected failure: details are in the server log under the request id.
    Internal,
}

impl ErrorKind {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::Input => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::Conflict => 409,
            ErrorKind::Unavailable => 503,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Internal => 500,
        }
    }

    /// The kind with this HTTP status (500 for any other).
    pub fn from_status(status: u16) -> ErrorKind {
        [
            ErrorKind::Input,
            ErrorKind::Unauthorized,
            ErrorKind::Forbidden,
            ErrorKind::NotFound,
            ErrorKind::MethodNotAllowed,
            ErrorKind::Conflict,
            ErrorKind::Unavailable,
            ErrorKind::TooManyRequests,
        ]
        .into_iter()
        .find(|k| k.status() == status)
        .unwrap_or(ErrorKind::Internal)
    }

    /// Backstage's error class name.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Input => "InputError",
            ErrorKind::Unauthorized => "AuthenticationError",
            ErrorKind::Forbidden => "NotAllowedError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::MethodNotAllowed => "MethodNotAllowedError",
            ErrorKind::Conflict => "ConflictError",
            ErrorKind::Unavailable => "ServiceUnavailableError",
            ErrorKind::TooManyRequests => "TooManyRequestsError",
            ErrorKind::Internal => "Error",
        }
    }
}

/// The message every internal failure shows instead of its cause.
pub const INTERNAL_MESSAGE: &str = "Internal server error; see the server log for this request id";

/// The body of every error response of the `/api` routes: Backstage's error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ErrorResponse))]
pub struct ErrorEnvelope {
    /// What went wrong.
    pub error: ErrorDetail,
    /// The request that failed.
    pub request: RequestInfo,
    /// The response that was sent.
    pub response: ResponseInfo,
}

/// The error part of [`ErrorEnvelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "The `error` part of `ErrorResponse`.")
)]
pub struct ErrorDetail {
    /// Backstage-style error class name, e.g. `NotFoundError`, `InputError`.
    #[cfg_attr(feature = "openapi", schema(example = "NotFoundError"))]
    pub name: String,
    /// A message meant for the caller; never contains internal details of 5xx failures.
    pub message: String,
}

/// The request part of [`ErrorEnvelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "The `request` part of `ErrorResponse`.")
)]
pub struct RequestInfo {
    /// HTTP method.
    pub method: String,
    /// Path and query of the request.
    pub url: String,
    /// The `x-request-id` of the request, to find it in the server logs.
    #[serde(rename = "requestId", default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The response part of [`ErrorEnvelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "The `response` part of `ErrorResponse`.")
)]
pub struct ResponseInfo {
    /// HTTP status code.
    #[serde(rename = "statusCode")]
    pub status_code: u16,
}

/// Answer of `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthReport {
    /// `ok` / `ready`, or `unavailable`.
    pub status: String,
    /// The server version.
    pub version: String,
    /// Database detail; present on `/readyz`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseHealth>,
}

/// Database part of the readiness report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatabaseHealth {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Whether a round trip to the database succeeded.
    pub reachable: bool,
    /// Migrations applied.
    pub applied_migrations: usize,
    /// Migrations known to this build but not applied yet.
    pub pending_migrations: usize,
    /// Why the database is not ready, if it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_envelope_uses_backstage_field_names() {
        let envelope = ErrorEnvelope {
            error: ErrorDetail {
                name: "NotFoundError".into(),
                message: "no such entity".into(),
            },
            request: RequestInfo {
                method: "GET".into(),
                url: "/api/x".into(),
                request_id: Some("r1".into()),
            },
            response: ResponseInfo { status_code: 404 },
        };
        let json = serde_json::to_value(&envelope).expect("serializes");
        assert_eq!(json["response"]["statusCode"], 404);
        assert_eq!(json["request"]["requestId"], "r1");
        assert_eq!(json["error"]["name"], "NotFoundError");
        let back: ErrorEnvelope = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, envelope);
    }
}
