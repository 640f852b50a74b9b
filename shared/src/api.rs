//! Wire types of Trellis' own HTTP API that the client and tools read.
//!
//! Errors use Backstage's error envelope (`{"error": {...}, "request": {...}, "response": {...}}`) so
//! tools written against Backstage's backend understand Trellis' errors unchanged.

use serde::{Deserialize, Serialize};

/// The body of every error response of the `/api` routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct ErrorDetail {
    /// Backstage-style error class name, e.g. `NotFoundError`, `InputError`.
    pub name: String,
    /// A message meant for the caller; never contains internal details of 5xx failures.
    pub message: String,
}

/// The request part of [`ErrorEnvelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct ResponseInfo {
    /// HTTP status code.
    #[serde(rename = "statusCode")]
    pub status_code: u16,
}

/// Answer of `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
