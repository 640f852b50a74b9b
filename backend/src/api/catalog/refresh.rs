//! `POST /refresh`: re-reads the registered locations now instead of at the next interval.
//! Backstage clients send `{"entityRef": ...}`; the entity must exist, and its location is read
//! with all the others.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use trellis_catalog::store::{get_entity, ApplySummary};
use trellis_shared::catalog::EntityRef;

use crate::error::{AppError, AppResult};
use crate::jobs::catalog_refresh;
use crate::state::AppState;

/// Optional body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RefreshRequest {
    entity_ref: Option<String>,
    #[allow(dead_code)]
    authorization_token: Option<String>,
}

/// Refreshes the catalog and answers with what changed.
pub async fn post_refresh(
    State(state): State<AppState>,
    body: Bytes,
) -> AppResult<Json<ApplySummary>> {
    let request: RefreshRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RefreshRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::Input(format!("Malformed request body: {e}")))?
    };
    if let Some(text) = request.entity_ref {
        let entity_ref = EntityRef::parse(&text, None, None)
            .map_err(|e| AppError::Input(format!("entityRef: {}", e.0)))?;
        if get_entity(&state.db, &entity_ref.canonical())
            .await?
            .is_none()
        {
            return Err(AppError::NotFound(format!(
                "Failed to schedule {text} for refresh"
            )));
        }
    }
    Ok(Json(catalog_refresh::run(&state).await?))
}
