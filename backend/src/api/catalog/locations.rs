//! Reading registered locations, shaped as in Backstage: `GET /locations`,
//! `GET /locations/{id}`, `GET /locations/by-entity/{kind}/{namespace}/{name}` and
//! `POST /locations/by-query`. Changing them is in `registration.rs`, analyzing one in
//! `analyze.rs`.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use trellis_catalog::store::StoredLocation;
use trellis_services::catalog::LocationPage;
use trellis_shared::catalog::EntityRef;

use super::params::EntityNamePath;
use crate::api::JsonBody;
use crate::auth::caller::Caller;
use crate::error::AppResult;
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, ServiceUnavailable,
};
use crate::state::AppState;

/// `{"data": location}`, as Backstage lists locations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationItem {
    /// The location.
    pub data: StoredLocation,
}

/// The `id` of a location in a path.
pub(super) const ID: &str = "The location's id.";

/// List registered locations
///
/// Locations from the configuration first, then API-registered ones in order of registration.
#[utoipa::path(
    get,
    path = "/locations",
    tag = "Locations",
    operation_id = "getLocations",
    responses(
        (status = 200, description = "Every registered location.", body = Vec<LocationItem>),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn list_locations(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> AppResult<Json<Vec<LocationItem>>> {
    let all = state.locations(&actor).await?;
    Ok(Json(
        all.into_iter().map(|data| LocationItem { data }).collect(),
    ))
}

/// Get a location by id
#[utoipa::path(
    get,
    path = "/locations/{id}",
    tag = "Locations",
    operation_id = "getLocation",
    params(("id" = String, Path, description = ID)),
    responses(
        (status = 200, description = "The location.", body = StoredLocation),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn get_location(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<Json<StoredLocation>> {
    Ok(Json(state.location(&actor, &id).await?))
}

/// Get the location an entity came from
///
/// The registered location named by the entity's origin location annotation. 404 when there is
/// no such entity or no registered location for it.
#[utoipa::path(
    get,
    path = "/locations/by-entity/{kind}/{namespace}/{name}",
    tag = "Locations",
    operation_id = "getLocationByEntity",
    params(EntityNamePath),
    responses(
        (status = 200, description = "The location.", body = StoredLocation),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LocationsQueryRequest)]
pub struct LocationQuery {
    /// Locations per page.
    limit: Option<usize>,
    /// A filter predicate on `type`, `target` and `id` (as in `POST /entities/by-query`).
    #[schema(value_type = Option<Object>)]
    query: Option<Value>,
    /// `pageInfo.nextCursor` of the previous page; it carries the query.
    cursor: Option<String>,
}

/// Query locations, paged
///
/// The locations matching a filter predicate on `type`, `target` and `id`; follow
/// `pageInfo.nextCursor` with `cursor` for the next page.
#[utoipa::path(
    post,
    path = "/locations/by-query",
    tag = "Locations",
    operation_id = "getLocationsByQuery",
    request_body = LocationQuery,
    responses(
        (status = 200, description = "A page of locations.", body = trellis_services::catalog::LocationPage),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
