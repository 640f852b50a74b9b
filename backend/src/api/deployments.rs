//! Find any commit and the deploy events behind it:
//! - `GET /api/commits?q=`: where a commit or pull request is live, for whoever asks (the
//!   repository's components are those the caller can see);
//! - `POST /api/deployments/events`: CI reports a deploy (a CDEvents `service.deployed`
//!   event) with a static token of `backend.auth.externalAccess` as `Authorization: Bearer`.
//!   Posting the same event id again is a no-op (200), so CI may retry. Audited.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use trellis_services::commits::PLUGIN_ID;
use trellis_shared::views::commits::CommitReport;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{
    BadRequest, InternalError, NotFound, ServiceUnavailable, TooManyRequests, Unauthorized,
};
use crate::state::AppState;

/// Largest deploy event accepted, in bytes.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// `?q=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// A commit SHA (7 to 40 hex digits), `owner/repo@sha`, `owner/repo#123`, or a GitHub
    /// commit or pull request URL.
    #[serde(default)]
    pub q: String,
}

/// Where a change is live
///
/// For every deploy target (`deployments.environments`) of the repository's components: live
/// (the deployed commit contains the change, by ancestry), since when and through which
/// deploy or release; not yet; rolled back (and by which deploy); or why it cannot be told.
/// A bare SHA is looked for in the repositories of the catalog's components, the caller's
/// teams' first.
#[utoipa::path(
    get,
    path = "/commits",
    tag = "Deployments",
    operation_id = "findCommit",
    params(FindQuery),
    responses(
        (status = 200, description = "Where it is live.", body = CommitReport),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
        (status = 500, response = InternalError),
    )
)]
pub async fn find_commit(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    query: Result<Query<FindQuery>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<CommitReport>> {
    let Query(q) =
        query.map_err(|e| AppError::input(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(state.find_commit(&me, &q.q).await?))
}

/// Whether a posted event was stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    /// False when this event id was stored before (nothing changed).
    pub recorded: bool,
}

/// Report a deploy
///
/// A CDEvents `dev.cdevents.service.deployed` (or `service.upgraded`, `service.rolledback`)
/// event: the component is `subject.id` without its `service/` prefix, the environment
/// `subject.content.environment.id` (configured with source `events`), the commit the
/// `vcs_url` qualifier of `subject.content.artifactId` or `customData.commit`. Needs a static
/// token (`backend.auth.externalAccess`) as `Authorization: Bearer`; at most 64 KiB (else 400).
#[utoipa::path(
    post,
    path = "/deployments/events",
    tag = "Deployments",
    operation_id = "postDeployEvent",
    request_body(content = Object, description = "A CDEvents service.deployed event."),
    responses(
        (status = 201, description = "Stored.", body = Recorded),
        (status = 200, description = "Stored before; nothing changed.", body = Recorded),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn post_deploy_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Recorded>)> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let caller = state.config.backend.caller(bearer, PLUGIN_ID).ok_or_else(|| {
        AppError::unauthorized(
            "a deploy event needs `Authorization: Bearer <token>` with a token of backend.auth.externalAccess",
        )
    })?;
    if body.len() > MAX_EVENT_BYTES {
        return Err(AppError::input(format!(
            "body: a deploy event is at most {MAX_EVENT_BYTES} bytes, not {}",
            body.len()
        )));
    }
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::input(format!("body: not JSON ({e})")))?;
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok());
    let new = state
        .record_deploy_event(&caller, &value, request_id)
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Recorded { recorded: new })))
}
