//! Changing registered locations, shaped as in Backstage: `POST /locations` (`?dryRun=true`
//! reads without registering), `PUT /locations/{id}` and `DELETE /locations/{id}`. Each
//! applies in a background run; the answers come at once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use trellis_catalog::store::StoredLocation;

use super::locations::ID;
use super::params::Params;
use crate::api::JsonBody;
use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, ServiceUnavailable,
};
use crate::state::AppState;

/// Body of `POST /locations` and `PUT /locations/{id}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LocationInput)]
pub struct NewLocation {
    /// Location type; only `file` (the default) is supported, others are a 400.
    #[serde(rename = "type", default = "file_type")]
    #[schema(example = "file")]
    pub location_type: String,
    /// Path, directory or glob on the server, inside `catalog.fileRoots`; it must not be empty
    /// and must be readable (a regular file, folder or glob), else a 400 naming the key.
    pub target: String,
    /// Accepted for compatibility; a target that cannot be read is refused either way.
    #[serde(default)]
    pub presence: Option<String>,
}

fn file_type() -> String {
    "file".into()
}

/// Register a location
///
/// Reads the target and registers it, then refreshes the catalog in the background; answers
/// with the location, the entities it defines, the issues found and the run applying it. With
/// `dryRun=true` the target is only read: nothing is stored, and the answer says whether the
/// location is already registered. A target that cannot be read is refused in both modes.
#[utoipa::path(
    post,
    path = "/locations",
    tag = "Locations",
    operation_id = "createLocation",
    params(
        ("dryRun" = Option<bool>, Query, description = "`true` (also `yes`, `1` or empty) to read without registering; `false` (also `no`, `0`) by default. Case-insensitive; any other value is a 400. At most once."),
        ("onConflict" = Option<String>, Query, description = "Accepted for compatibility with Backstage clients; not used."),
    ),
    request_body = NewLocation,
    responses(
        (status = 201, description = "The location was registered (or, with `dryRun`, read).", body = trellis_services::catalog::Registered),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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

/// Update a location
///
/// Points an API-registered location at another target (checked as when registering) and
/// refreshes the catalog in the background, so its entities follow.
#[utoipa::path(
    put,
    path = "/locations/{id}",
    tag = "Locations",
    operation_id = "updateLocation",
    params(("id" = String, Path, description = ID)),
    request_body = NewLocation,
    responses(
        (status = 200, description = "The updated location.", body = StoredLocation),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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

/// Unregister a location
///
/// Unregisters an API-registered location; a background refresh removes the entities it
/// brought in. Locations defined in the configuration (`catalog.locations`) cannot be deleted
/// here (409): they come back from the configuration.
#[utoipa::path(
    delete,
    path = "/locations/{id}",
    tag = "Locations",
    operation_id = "deleteLocation",
    params(("id" = String, Path, description = ID)),
    responses(
        (status = 204, description = "Unregistered."),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn delete_location(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state.services.unregister_location(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
