//! `POST /analyze-location`: what a file location holds, as Backstage's analysis answers it;
//! URL locations are refused (Trellis has no URL readers).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use trellis_catalog::LocationSpec;
use trellis_services::catalog::AnalyzeResult;

use crate::api::JsonBody;
use crate::auth::caller::Caller;
use crate::error::AppResult;
use crate::openapi::responses::{BadRequest, Forbidden, InternalError, ServiceUnavailable};
use crate::state::AppState;

/// Body of `POST /analyze-location`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = AnalyzeLocationRequest)]
pub struct AnalyzeRequest {
    /// The location to analyze.
    location: LocationSpec,
    /// Accepted for compatibility with Backstage clients; not used.
    #[serde(default)]
    catalog_filename: Option<String>,
}

/// Analyze a location
///
/// What a file location holds: each descriptor file with the entity it defines and whether a
/// registered location reads it already. Nothing is stored. URL locations are refused with 400
/// saying why (Trellis has no URL readers), as is a target outside `catalog.fileRoots`.
#[utoipa::path(
    post,
    path = "/analyze-location",
    tag = "Locations",
    operation_id = "analyzeLocation",
    request_body = AnalyzeRequest,
    responses(
        (status = 200, description = "What the location holds.", body = trellis_services::catalog::AnalyzeResult),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn analyze_location(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<AnalyzeRequest>,
) -> AppResult<Json<AnalyzeResult>> {
    let _ = body.catalog_filename;
    Ok(Json(
        state
            .analyze_location(&actor, &body.location.location_type, &body.location.target)
            .await?,
    ))
}
