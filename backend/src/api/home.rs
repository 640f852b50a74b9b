//! `GET /api/home/...`: the home page's widget data for whoever asks, as JSON (the page itself
//! gets the same through its server functions). The person is the request's identity, never a
//! parameter, so nobody reads another person's widgets.

use axum::extract::State;
use axum::Json;
use trellis_shared::views::home::{JiraIssues, PullRequests, Widget};

use crate::auth::Viewer;
use crate::openapi::responses::{InternalError, Unauthorized};
use crate::state::AppState;

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
