//! JSON API handlers, one module per resource; the routes themselves are listed in `router.rs`.

pub mod audit;
pub mod catalog;
pub mod dashboards;
pub mod deployments;
pub mod health;
pub mod home;
pub mod jobs;
pub mod metrics;
pub mod openapi;
pub mod palette;
pub mod permission;
pub mod personal;
pub mod personal_edit;
pub mod view_as;

use crate::error::AppError;

/// Fallback for `/api/*` paths no route matches: a 404 in the error envelope, never HTML.
pub async fn no_such_route(
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> AppError {
    AppError::not_found(format!("no API route at {}", uri.path()))
}

/// Fallback for `/api/*` paths that exist but not for the request's method: a 405 envelope.
pub async fn method_not_allowed(
    method: axum::http::Method,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> AppError {
    AppError::method_not_allowed(format!("{method} is not supported at {}", uri.path()))
}

/// A JSON request body whose rejections (wrong content type, malformed JSON, wrong shape) are
/// 400 input errors in the envelope, naming what was wrong.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    axum::Json<T>:
        axum::extract::FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(e) => Err(AppError::input(format!(
                "Malformed request body (did you remember to specify an application/json content type?): {}",
                e.body_text()
            ))),
        }
    }
}
