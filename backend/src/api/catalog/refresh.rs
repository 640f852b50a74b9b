//! `POST /refresh`: re-reads the registered locations now instead of at the next interval.

use axum::extract::State;
use axum::Json;
use trellis_catalog::store::ApplySummary;

use crate::error::AppResult;
use crate::jobs::catalog_refresh;
use crate::state::AppState;

/// Refreshes the catalog and answers with what changed.
pub async fn post_refresh(State(state): State<AppState>) -> AppResult<Json<ApplySummary>> {
    Ok(Json(catalog_refresh::run(&state).await?))
}
