//! Single entities: `GET /entities/by-name/{kind}/{namespace}/{name}`,
//! `GET`/`DELETE /entities/by-uid/{uid}`, and `POST /entities/by-refs`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use trellis_catalog::store::{
    delete_entity_by_uid, get_entity, get_entity_by_uid, load_entities, query_entities,
};
use trellis_shared::catalog::query::{project, EntityQuery};
use trellis_shared::catalog::{Entity, EntityRef};

use super::params::Params;
use super::query::to_value;
use crate::api::JsonBody;
use crate::auth::authorize::{guarded, Act, Actor};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use trellis_auth::catalog::{may_read, owners_of};
use trellis_auth::{Action, ResourceType};

/// One entity by kind, namespace and name (case-insensitive). One the viewer may not read is
/// answered like a missing one.
pub async fn get_entity_by_name(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<Entity>> {
    let entity_ref = EntityRef::new(kind.clone(), namespace.clone(), name.clone()).canonical();
    get_entity(&state.db, &entity_ref)
        .await?
        .filter(|e| may_read(&state.policy, &me, e))
        .map(Json)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
            ))
        })
}

/// One entity by `metadata.uid` (if the viewer may read it).
pub async fn get_entity_by_uid_handler(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path(uid): Path<String>,
) -> AppResult<Json<Entity>> {
    get_entity_by_uid(&state.db, &uid)
        .await?
        .filter(|e| may_read(&state.policy, &me, e))
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("No entity with uid {uid}")))
}

/// Removes an entity (204, also when no entity has the uid, as in Backstage). If its location
/// still defines it, the next refresh brings it back.
pub async fn delete_entity_by_uid_handler(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<String>,
) -> AppResult<StatusCode> {
    // One the actor may not read is answered like a missing one.
    let found = get_entity_by_uid(&state.db, &uid)
        .await?
        .filter(|e| may_read(&state.policy, &actor.identity, e));
    let Some(entity) = found else {
        return Ok(StatusCode::NO_CONTENT);
    };
    let owners = owners_of(&entity);
    let target = entity.entity_ref().canonical();
    let act = Act {
        action: Action::Delete,
        kind: ResourceType::CatalogEntity,
        owners: &owners,
        target: &target,
    };
    let deleted = guarded(&state, &actor, act, async {
        Ok(delete_entity_by_uid(&state.db, &uid).await?)
    })
    .await?;
    if let Some(entity_ref) = deleted {
        tracing::info!(entity_ref, uid, "entity deleted");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /entities/by-refs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ByRefsRequest {
    /// Refs to look up, `kind:namespace/name`.
    pub entity_refs: Vec<String>,
    /// Optional projection.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// Response of `POST /entities/by-refs`: one item per requested ref, `null` for misses.
#[derive(Debug, serde::Serialize)]
pub struct ByRefsResponse {
    /// Entities in request order.
    pub items: Vec<Option<Value>>,
}

/// Entities for a list of refs, in the request's order, `null` where there is none (or where
/// the `filter` query parameter excludes it, or the viewer may not read it).
pub async fn post_by_refs(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    params: Params,
    JsonBody(body): JsonBody<ByRefsRequest>,
) -> AppResult<Json<ByRefsResponse>> {
    params.only(&["filter", "fields"])?;
    let mut fields = params.fields()?;
    fields.extend(
        body.fields
            .iter()
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty()),
    );
    if body.entity_refs.len() > 10_000 {
        return Err(AppError::Input(
            "entityRefs: at most 10000 refs per request".into(),
        ));
    }
    let keys: Vec<String> = body
        .entity_refs
        .iter()
        .map(|r| r.trim().to_lowercase())
        .collect();
    let mut found = load_entities(&state.db, &keys).await?;
    found.retain(|_, e| may_read(&state.policy, &me, e));
    let filter = params.filter()?;
    if !filter.0.is_empty() && !found.is_empty() {
        // Keep only refs that also match the filter: one query restricted to the found refs.
        let mut query = EntityQuery {
            filter,
            ..EntityQuery::default()
        };
        for conj in &mut query.filter.0 {
            conj.0.insert(
                "metadata.uid".into(),
                trellis_shared::catalog::query::Condition::AnyOf(
                    found
                        .values()
                        .filter_map(|e| e.metadata.uid.clone())
                        .collect(),
                ),
            );
        }
        let matching = query_entities(&state.db, &query, 10_000, None).await?;
        let keep: std::collections::HashSet<String> = matching
            .entities
            .iter()
            .map(|e| e.entity_ref().canonical())
            .collect();
        found.retain(|k, _| keep.contains(k));
    }
    let items = keys
        .iter()
        .map(|k| found.get(k).cloned().map(|e| project(to_value(e), &fields)))
        .collect();
    Ok(Json(ByRefsResponse { items }))
}
