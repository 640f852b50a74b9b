//! `GET /api/home/...`: the home page's widget data for whoever asks, as JSON (the page itself
//! gets the same through its server functions). The person is the request's identity, never a
//! parameter, so nobody reads another person's widgets. Every registered widget answers at
//! `/widgets/{id}`; the built-in ones also have typed endpoints of their own.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use trellis_shared::views::home::{JiraIssues, PullRequests, Widget};

use crate::auth::Viewer;
use crate::error::AppResult;
use crate::openapi::responses::{InternalError, NotFound, Unauthorized};
use crate::state::AppState;

/// A registered widget.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WidgetInfo {
    /// Its id (`pull-requests`), in `/api/home/widgets/{id}`.
    pub id: String,
    /// Its card's title.
    pub title: String,
    /// Whether its card spans the page's width.
    pub wide: bool,
}

/// The home page's widgets
///
/// Every widget the portal's plugins register, in page order.
#[utoipa::path(
    get,
    path = "/widgets",
    tag = "Home",
    operation_id = "getWidgets",
    responses(
        (status = 200, description = "The widgets.", body = Vec<WidgetInfo>),
        (status = 401, response = Unauthorized),
    )
)]
pub async fn get_widgets(
    State(state): State<AppState>,
    Viewer(_): Viewer,
) -> Json<Vec<WidgetInfo>> {
    Json(
        state
            .widgets()
            .iter()
            .map(|w| {
                let m = w.meta();
                WidgetInfo {
                    id: m.id.into(),
                    title: m.title.into(),
                    wide: m.wide,
                }
            })
            .collect(),
    )
}

/// A widget's data
///
/// Widget `id`'s data for the caller: `data` (the widget's own shape), `ageSecs`, `stale`,
/// `problem` and `message`, as every widget answers. A failing upstream is never an error
/// status here; the widget says so.
#[utoipa::path(
    get,
    path = "/widgets/{id}",
    tag = "Home",
    operation_id = "getWidgetData",
    params(("id" = String, Path, description = "The widget's id (see `GET /widgets`).")),
    responses(
        (status = 200, description = "The widget's data.", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_widget_data(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(state.widget_data(&id, &me).await?))
}

/// My pull requests
///
/// The caller's open pull requests and those waiting on their review (directly or through a
/// team), with checks, review decision and mergeability, from Trellis' cache of GitHub: fresh,
/// stale while it refreshes (`stale`), or the last good data with the upstream's `problem`.
/// A failing GitHub is never an error status here; the widget says so.
#[utoipa::path(
    get,
    path = "/pull-requests",
    tag = "Home",
    operation_id = "getMyPullRequests",
    responses(
        (status = 200, description = "The widget's data.", body = Widget<PullRequests>),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_pull_requests(
    State(state): State<AppState>,
    Viewer(me): Viewer,
) -> Json<Widget<PullRequests>> {
    Json(state.home_pull_requests(&me).await)
}

/// My Jira issues
///
/// The open issues assigned to the caller across projects (found in Jira by the e-mail of
/// their User entity), soonest due first, with status, priority and days to the due date
/// (negative: overdue), from Trellis' cache of Jira. A failing Jira is never an error status.
#[utoipa::path(
    get,
    path = "/jira-issues",
    tag = "Home",
    operation_id = "getMyJiraIssues",
    responses(
        (status = 200, description = "The widget's data.", body = Widget<JiraIssues>),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_jira_issues(
    State(state): State<AppState>,
    Viewer(me): Viewer,
) -> Json<Widget<JiraIssues>> {
    Json(state.home_jira(&me).await)
}
