//! `GET /entity-facets?facet=kind&facet=spec.type&filter=...`: value counts per field.

use axum::extract::State;
use axum::Json;
use trellis_catalog::store::facets;
use trellis_shared::catalog::query::{EntityQuery, FacetsResponse};

use super::params::Params;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Counts of each value of each `facet` among the entities matching `filter` that the viewer
/// may read.
pub async fn get_facets(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    params: Params,
) -> AppResult<Json<FacetsResponse>> {
    params.only(&["facet", "filter"])?;
    let names: Vec<String> = params
        .all("facet")
        .iter()
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    if names.is_empty() {
        return Err(AppError::Input("Missing facet parameter".into()));
    }
    let mut query = EntityQuery {
        filter: params.filter()?,
        ..EntityQuery::default()
    };
    trellis_auth::catalog::scope_filter(&state.policy, &me, &mut query.filter);
    Ok(Json(FacetsResponse {
        facets: facets(&state.db, &names, &query).await?,
    }))
}
