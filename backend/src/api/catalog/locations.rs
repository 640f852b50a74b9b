//! Registered locations, shaped as in Backstage: `GET /locations`, `GET /locations/{id}`,
//! `GET /locations/by-entity/{kind}/{namespace}/{name}`, `POST /locations/by-query`,
//! `POST /locations` (`?dryRun=true` reads without registering), `PUT /locations/{id}`,
//! `DELETE /locations/{id}`, and `POST /analyze-location`. Registering, updating and
//! unregistering apply in a background run; their answers come at once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use trellis_catalog::store::StoredLocation;
use trellis_catalog::LocationSpec;
use trellis_services::catalog::{AnalyzeResult, LocationPage};
use trellis_shared::catalog::EntityRef;

use super::params::Params;
use crate::api::JsonBody;
use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// `{"data": location}`, as Backstage lists locations.
#[derive(Debug, Serialize)]
pub struct LocationItem {
    /// The location.
    pub data: StoredLocation,
}

/// Every registered location.
pub async fn list_locations(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> AppResult<Json<Vec<LocationItem>>> {
    let all = state.locations(&actor).await?;
    Ok(Json(
        all.into_iter().map(|data| LocationItem { data }).collect(),
    ))
}

/// One location.
pub async fn get_location(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<Json<StoredLocation>> {
    Ok(Json(state.location(&actor, &id).await?))
}

/// The location an entity came in through.
pub async fn get_location_by_entity(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<StoredLocation>> {
    Ok(Json(
        state
            .location_of(&actor, &EntityRef::new(kind, namespace, name))
            .await?,
    ))
}

/// Body of `POST /locations/by-query`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationQuery {
    limit: Option<usize>,
    query: Option<Value>,
    cursor: Option<String>,
}

/// Locations matching a predicate on `type`, `target` and `id`, paged.
pub async fn query_locations(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<LocationQuery>,
) -> AppResult<Json<LocationPage>> {
    Ok(Json(
        state
            .query_locations(&actor, body.query, body.limit, body.cursor.as_deref())
            .await?,
    ))
}

/// Body of `POST /locations` and `PUT /locations/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLocation {
    /// `file`.
    #[serde(rename = "type", default = "file_type")]
    pub location_type: String,
    /// Path, directory or glob on the server, inside `catalog.fileRoots`.
    pub target: String,
    /// Accepted for compatibility; a target that cannot be read is refused either way.
    #[serde(default)]
    pub presence: Option<String>,
}

fn file_type() -> String {
    "file".into()
}

/// Registers a location (201 with what it defines), or with `dryRun=true` only reads it.
pub async fn create_location(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: Params,
    JsonBody(body): JsonBody<NewLocation>,
) -> AppResult<(StatusCode, Json<Value>)> {
    params.only(&["dryRun", "onConflict"])?;
    let dry_run = match params
        .one("dryRun")?
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("false") | Some("no") | Some("0") => false,
        Some("true") | Some("yes") | Some("1") | Some("") => true,
        Some(other) => {
            return Err(AppError::input(format!(
                "query parameter 'dryRun' must be true or false, got '{other}'"
            )))
        }
    };
    let registered = state
        .services
        .register_location(&actor, &body.location_type, &body.target, dry_run)
        .await?;
    let mut answer = serde_json::to_value(&registered).map_err(|e| AppError::Internal(e.into()))?;
    if dry_run {
        let location = &registered.location;
        answer["location"] =
            json!({ "id": location.id, "type": location.location_type, "target": location.target });
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Points an API location at another target; 200 with the location.
pub async fn update_location(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewLocation>,
) -> AppResult<Json<StoredLocation>> {
    let (location, _run) = state
        .services
        .update_location(&actor, &id, &body.location_type, &body.target)
        .await?;
    Ok(Json(location))
}

/// Unregisters a location; a background refresh removes the entities it brought in.
pub async fn delete_location(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state.services.unregister_location(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /analyze-location`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AnalyzeRequest {
    location: LocationSpec,
    #[serde(default)]
    catalog_filename: Option<String>,
}

/// What a file location holds; URL locations are refused (Trellis has no URL readers).
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
