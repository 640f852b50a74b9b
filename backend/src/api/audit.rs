//! `GET /api/audit/events`: the audit log, newest first (`actor`, `outcome`, `before`, `limit`
//! narrow it). Reading it is itself an action on the `audit` resource (admins by default).

use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;
use trellis_auth::audit::{self, Event, EventQuery};
use trellis_auth::{Action, ResourceType};

use crate::auth::authorize::{authorize, Act, Actor};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// `{"items": [...]}`.
#[derive(Debug, Serialize)]
pub struct Events {
    /// Newest first.
    pub items: Vec<Event>,
}

/// Lists audit events.
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<EventQuery>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<Events>> {
    let Query(query) =
        query.map_err(|e| AppError::Input(format!("invalid query: {}", e.body_text())))?;
    let act = Act {
        action: Action::Read,
        kind: ResourceType::Audit,
        owners: &[],
        target: "audit log",
    };
    authorize(&state, &actor, act).await?;
    Ok(Json(Events {
        items: audit::list(&state.db, &query).await?,
    }))
}
