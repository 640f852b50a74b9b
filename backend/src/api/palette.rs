//! The command palette's search, `GET /api/me/palette?q=`: pages, entities, tools and
//! dashboards matching the caller's query, best first (the pages' palette calls the same
//! service through its server function).

use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use trellis_shared::views::palette::PaletteHit;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, InternalError, Unauthorized};
use crate::state::AppState;

/// The palette's query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaletteQuery {
    /// What was typed (at most 100 characters); empty: the pages, my stars and my toolkit.
    #[serde(default)]
    pub q: String,
}

/// Search the palette
///
/// Pages of the portal, catalog entities the caller can read, their toolkit links and their
/// Grafana dashboards whose titles (entities: name, title or display name) match `q`,
/// case-insensitively: exact matches first, then prefixes, word starts, anywhere. At most six
/// hits of each kind.
#[utoipa::path(
    get,
    path = "/me/palette",
    tag = "Personal",
    operation_id = "searchPalette",
    params(PaletteQuery),
    responses(
        (status = 200, description = "The hits, best first.", body = Vec<PaletteHit>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn search_palette(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    query: Result<Query<PaletteQuery>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<Vec<PaletteHit>>> {
    let Query(q) =
        query.map_err(|e| AppError::input(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(state.palette(&me, &q.q).await?))
}
