//! `GET /api/audit/events`: the audit log, newest first (`actor`, `outcome`, `before`, `limit`
//! narrow it). Reading it is itself an action on the `audit` resource (admins by default).

use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;
use trellis_auth::audit::{Event, EventQuery};

use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, Forbidden, InternalError, ServiceUnavailable};
use crate::state::AppState;

/// `{"items": [...]}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = AuditEvents)]
pub struct Events {
    /// Newest first.
    #[schema(value_type = Vec<trellis_shared::auth::AuditEvent>)]
    pub items: Vec<Event>,
}

/// List audit events
///
/// The audit log, newest first: every mutating action (allowed, refused or failed) and every
/// denial, with who, what, when, the outcome and the request id. `actor`, `outcome`, `before`
/// and `limit` narrow it; a malformed parameter is a 400. Reading it is itself an action on the
/// `audit` resource (admins by default).
#[utoipa::path(
    get,
    path = "/audit/events",
    tag = "Audit",
    operation_id = "getAuditEvents",
    params(trellis_auth::audit::EventQuery),
    responses(
        (status = 200, description = "The events, newest first.", body = Events),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn list_audit_events(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: Result<Query<EventQuery>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<Events>> {
    let Query(query) =
        query.map_err(|e| AppError::input(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(Events {
        items: state.audit_events(&actor, &query).await?,
    }))
}
