//! `GET /entity-facets?facet=kind&facet=spec.type&filter=...` and `POST /entity-facets`
//! (`{facets, query}` with a filter predicate): value counts per field among what the caller
//! may read.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use trellis_shared::catalog::predicate::Predicate;
use trellis_shared::catalog::query::{EntityQuery, FacetsResponse};

use super::params::{FilterParam, Params};
use crate::api::JsonBody;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, InternalError, ServiceUnavailable};
use crate::state::AppState;

fn names(given: &[&str]) -> AppResult<Vec<String>> {
    let names: Vec<String> = given
        .iter()
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    if names.is_empty() {
        return Err(AppError::input("Missing facet parameter"));
    }
    Ok(names)
}

/// The `facet` parameter of `GET /entity-facets`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FacetParam {
    /// Field path to count; repeat for several. Missing (or only blank) is a 400.
    #[param(style = Form, explode, min_items = 1, example = json!(["kind", "spec.type"]))]
    pub facet: Vec<String>,
}

/// Count the values of entity fields
///
/// For each `facet` (a field path such as `kind`, `spec.type`, `metadata.tags` or
/// `relations.ownedBy`), the values it has among the entities matching `filter` that the caller
/// may read, and how many entities have each. For `relations.<type>` facets the values are
/// target refs.
#[utoipa::path(
    get,
    path = "/entity-facets",
    tag = "Facets",
    operation_id = "getEntityFacets",
    params(FacetParam, FilterParam),
    responses(
        (status = 200, description = "Counts per facet.", body = FacetsResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn get_entity_facets(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    params: Params,
) -> AppResult<Json<FacetsResponse>> {
    params.only(&["facet", "filter"])?;
    let names = names(&params.all("facet"))?;
    let query = EntityQuery {
        filter: params.filter()?,
        ..EntityQuery::default()
    };
    Ok(Json(FacetsResponse {
        facets: state.catalog(&me).facets(&names, query).await?,
    }))
}

/// Body of `POST /entity-facets`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EntityFacetsRequest)]
pub struct FacetsRequest {
    /// Field paths to count; at least one not blank.
    #[schema(min_items = 1)]
    facets: Vec<String>,
    /// A filter predicate (as in `POST /entities/by-query`); none counts every entity.
    #[schema(value_type = Option<Object>)]
    query: Option<Value>,
}

/// Count the values of entity fields, with a filter predicate
///
/// As `GET /entity-facets`, with the facets and a filter predicate in the body, as Backstage's
/// catalog client sends them.
#[utoipa::path(
    post,
    path = "/entity-facets",
    tag = "Facets",
    operation_id = "queryEntityFacetsByPredicate",
    request_body = FacetsRequest,
    responses(
        (status = 200, description = "Counts per facet.", body = FacetsResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn post_entity_facets(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    JsonBody(body): JsonBody<FacetsRequest>,
) -> AppResult<Json<FacetsResponse>> {
    let given: Vec<&str> = body.facets.iter().map(String::as_str).collect();
    let names = names(&given)?;
    let predicate = body
        .query
        .as_ref()
        .map(Predicate::parse)
        .transpose()
        .map_err(AppError::input)?;
    let query = EntityQuery {
        predicate,
        ..EntityQuery::default()
    };
    Ok(Json(FacetsResponse {
        facets: state.catalog(&me).facets(&names, query).await?,
    }))
}
