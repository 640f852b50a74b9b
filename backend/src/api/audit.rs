//! `GET /api/audit/events`: the audit log, newest first (`actor`, `outcome`, `before`, `limit`
//! narrow it). Reading it is itself an action on the `audit` resource (admins by default).

use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;
use trellis_auth::audit::{Event, EventQuery};

use crate::auth::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// `{"items": [...]}`.
#[derive(Debug, Serialize)]
pub struct Events {
    /// Newest first.
    pub items: Vec<Event>,
}

/// Lists audit events.
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
