//! Dashboards (the dashboards plugin):
//! - `GET /api/dashboards`: the caller's dashboards — viewed recently through Trellis, and
//!   those selected by what their teams own;
//! - `GET /api/dashboards/{uid}/charts?range=&width=`: a dashboard's Prometheus panels as
//!   series over a range, the step chosen from the width (never over 11,000 points);
//! - `GET /api/dashboards/{uid}/open`: records that the caller views it, then sends them to
//!   it in Grafana (`303`), to the address Grafana gave, never one from the request.

use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::Json;
use serde::Deserialize;
use trellis_services::dashboards::{Range, CHART_WIDTH};
use trellis_shared::views::dashboards::{DashboardCharts, MyDashboards};
use trellis_shared::views::home::Widget;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{
    BadRequest, InternalError, NotFound, ServiceUnavailable, Unauthorized,
};
use crate::state::AppState;

/// `?range=&width=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChartsQuery {
    /// `1h`, `6h` (default), `24h` or `7d`.
    pub range: Option<String>,
    /// The charts' width in pixels, 200 to 4000 (default 720): about one point per two.
    pub width: Option<u32>,
}

/// My dashboards
///
/// Viewed recently through Trellis (latest first) and those of what the caller's teams own
/// (`grafana/dashboard-selector` or `grafana/tag` on the owned entities), from Trellis's
/// cache of Grafana. A failing Grafana is never an error status here; the widget says so.
#[utoipa::path(
    get,
    path = "/dashboards",
    tag = "Dashboards",
    operation_id = "getMyDashboards",
    responses(
        (status = 200, description = "The caller's dashboards.", body = Widget<MyDashboards>),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn my_dashboards(
    State(state): State<AppState>,
    Viewer(me): Viewer,
) -> Json<Widget<MyDashboards>> {
    Json(state.my_dashboards(&me).await)
}

/// A dashboard's charts
///
/// Its Prometheus panels (in rows too, at most 12, at most 4 queries each, 10 series each),
/// Grafana's variables filled in, queried over the range with a step chosen from `width`.
/// Panels Trellis cannot draw are listed in `skipped` with why.
#[utoipa::path(
    get,
    path = "/dashboards/{uid}/charts",
    tag = "Dashboards",
    operation_id = "getDashboardCharts",
    params(("uid" = String, Path, description = "The dashboard's Grafana uid."), ChartsQuery),
    responses(
        (status = 200, description = "Its charts.", body = DashboardCharts),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = ServiceUnavailable),
        (status = 500, response = InternalError),
    )
)]
pub async fn dashboard_charts(
    State(state): State<AppState>,
    Viewer(_me): Viewer,
    Path(uid): Path<String>,
    query: Result<Query<ChartsQuery>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<DashboardCharts>> {
    let Query(q) =
        query.map_err(|e| AppError::input(format!("invalid query: {}", e.body_text())))?;
    let range = Range::parse(q.range.as_deref().unwrap_or("6h"))?;
    let width = q.width.unwrap_or(CHART_WIDTH);
    Ok(Json(state.dashboard_charts(&uid, range, width).await?))
}

/// Open a dashboard in Grafana
///
/// Records that the caller views it (their "viewed recently"), then redirects to its page in
/// Grafana.
#[utoipa::path(
    get,
    path = "/dashboards/{uid}/open",
    tag = "Dashboards",
    operation_id = "openDashboard",
    params(("uid" = String, Path, description = "The dashboard's Grafana uid.")),
    responses(
        (status = 303, description = "To the dashboard in Grafana."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = ServiceUnavailable),
        (status = 500, response = InternalError),
    )
)]
pub async fn open_dashboard(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path(uid): Path<String>,
) -> AppResult<Redirect> {
    let d = state.open_dashboard(&me, &uid).await?;
    Ok(Redirect::to(&d.url))
}
