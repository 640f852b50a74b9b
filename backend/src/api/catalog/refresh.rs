//! `POST /refresh`: re-reads the registered locations now instead of at the next interval.
//! Backstage clients send `{"entityRef": ...}`; the entity must exist, and its location is read
//! with all the others.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use trellis_catalog::store::{get_entity, ApplySummary};
use trellis_shared::catalog::EntityRef;

use crate::auth::authorize::{guarded, Act, Actor};
use crate::error::{AppError, AppResult};
use crate::jobs::catalog_refresh;
use crate::state::AppState;
use trellis_auth::catalog::{may_read, owners_of};
use trellis_auth::{Action, ResourceType};

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
    actor: Actor,
    body: Bytes,
) -> AppResult<Json<ApplySummary>> {
    let request: RefreshRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RefreshRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::Input(format!("Malformed request body: {e}")))?
    };
    // Refreshing one entity is an action on it (its owners may); refreshing everything is an
    // admin function.
    let (owners, target, kind) = match request.entity_ref {
        Some(text) => {
            let entity_ref = EntityRef::parse(&text, None, None)
                .map_err(|e| AppError::Input(format!("entityRef: {}", e.0)))?;
            // One the actor may not read is answered like a missing one.
            let found = get_entity(&state.db, &entity_ref.canonical())
                .await?
                .filter(|e| may_read(&state.policy, &actor.identity, e));
            let Some(entity) = found else {
                return Err(AppError::NotFound(format!(
                    "Failed to schedule {text} for refresh"
                )));
            };
            (
                owners_of(&entity),
                entity_ref.canonical(),
                ResourceType::CatalogEntity,
            )
        }
        None => (Vec::new(), "catalog".to_string(), ResourceType::Admin),
    };
    let act = Act {
        action: Action::Refresh,
        kind,
        owners: &owners,
        target: &target,
    };
    let summary = guarded(&state, &actor, act, async {
        Ok(catalog_refresh::run(&state).await?)
    })
    .await?;
    Ok(Json(summary))
}
