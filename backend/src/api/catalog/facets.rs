//! `GET /entity-facets?facet=kind&facet=spec.type&filter=...` and `POST /entity-facets`
//! (`{facets, query}` with a filter predicate): value counts per field among what the caller
//! may read.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use trellis_shared::catalog::predicate::Predicate;
use trellis_shared::catalog::query::{EntityQuery, FacetsResponse};

use super::params::Params;
use crate::api::JsonBody;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
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

/// Counts of each value of each `facet` among the entities matching `filter`.
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacetsRequest {
    facets: Vec<String>,
    query: Option<Value>,
}

/// Counts of each value of each facet among the entities matching the predicate.
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
