//! The [`Caller`] extractor: who is acting (the request's identity) with the request id the
//! audit log records, as the service layer's [`Actor`].

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use trellis_services::Actor;

use super::Viewer;
use crate::error::AppError;

/// The acting user of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Viewer(identity) = Viewer::from_request_parts(parts, state).await?;
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Caller(Actor {
            identity,
            request_id,
        }))
    }
}
