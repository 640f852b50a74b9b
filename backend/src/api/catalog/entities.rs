//! `GET /entities/by-name/{kind}/{namespace}/{name}` and `GET /entities/by-uid/{uid}`.

use axum::extract::{Path, State};
use axum::Json;
use trellis_catalog::store::{get_entity, get_entity_by_uid};
use trellis_shared::catalog::{Entity, EntityRef};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// One entity by kind, namespace and name (case-insensitive).
pub async fn get_entity_by_name(
    State(state): State<AppState>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<Entity>> {
    let entity_ref = EntityRef::new(kind.clone(), namespace.clone(), name.clone()).canonical();
    get_entity(&state.db, &entity_ref)
        .await?
        .map(Json)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
            ))
        })
}

/// One entity by `metadata.uid`.
pub async fn get_entity_by_uid_handler(
    State(state): State<AppState>,
    Path(uid): Path<String>,
) -> AppResult<Json<Entity>> {
    get_entity_by_uid(&state.db, &uid)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("No entity with uid {uid}")))
}
