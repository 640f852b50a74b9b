//! `GET /api/openapi.json`: the whole API's OpenAPI document (see `crate::openapi`).

use axum::response::Response;

use crate::error::AppResult;
use crate::openapi::responses::InternalError;

/// The whole API's OpenAPI document, as JSON
///
/// Every operation under `/api` (server `/api`), generated from the server's routes. The
/// catalog's part alone, in Backstage's layout, is at `/api/catalog/openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "OpenAPI",
    operation_id = "getApiOpenApiDocument",
    responses(
        (status = 200, description = "The document.", body = Object),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_openapi() -> AppResult<Response> {
    crate::openapi::serve(|docs| &docs.api)
}
