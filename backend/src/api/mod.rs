//! JSON API handlers, one module per resource; the routes themselves are listed in `router.rs`.

pub mod catalog;
pub mod health;

use crate::error::AppError;

/// Fallback for `/api/*` paths no route matches: a 404 in the error envelope, never HTML.
pub async fn no_such_route(
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> AppError {
    AppError::NotFound(format!("no API route at {}", uri.path()))
}

/// Fallback for `/api/*` paths that exist but not for the request's method: a 405 envelope.
pub async fn method_not_allowed(
    method: axum::http::Method,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> AppError {
    AppError::MethodNotAllowed(format!("{method} is not supported at {}", uri.path()))
}
