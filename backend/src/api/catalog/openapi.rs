//! `GET /openapi.json`: the catalog API's OpenAPI document in Backstage's layout (see
//! `crate::openapi`).

use axum::response::Response;

use crate::error::AppResult;
use crate::openapi::responses::InternalError;

/// This OpenAPI document, as JSON
///
/// The catalog API (server `/api/catalog`, paths relative to it), generated from the server's
/// routes. The whole API is at `/api/openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "OpenAPI",
    operation_id = "getOpenApiDocument",
    responses(
        (status = 200, description = "The document.", body = Object),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_openapi() -> AppResult<Response> {
    crate::openapi::serve(|docs| &docs.catalog)
}
