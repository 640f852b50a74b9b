//! Single entities: `GET /entities/by-name/{kind}/{namespace}/{name}` (and its `/ancestry`),
//! `GET`/`DELETE /entities/by-uid/{uid}`, and `POST /entities/by-refs`. Entities the caller may
//! not read answer like missing ones.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use trellis_services::catalog::Ancestry;
use trellis_shared::catalog::predicate::Predicate;
use trellis_shared::catalog::query::{project, EntityQuery};
use trellis_shared::catalog::{Entity, EntityRef};

use super::params::Params;
use super::query::to_value;
use crate::api::JsonBody;
use crate::auth::caller::Caller;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// One entity by kind, namespace and name (case-insensitive).
pub async fn get_entity_by_name(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<Entity>> {
    let entity_ref = EntityRef::new(kind.clone(), namespace.clone(), name.clone()).canonical();
    state
        .catalog(&me)
        .entity(&entity_ref)
        .await?
        .map(Json)
        .ok_or_else(|| {
            AppError::not_found(format!(
                "No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
            ))
        })
}

/// The entity and the `Location` entities it was read through (Backstage's ancestry).
pub async fn get_entity_ancestry(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<Ancestry>> {
    let entity_ref = EntityRef::new(kind, namespace, name).canonical();
    Ok(Json(state.catalog(&me).ancestry(&entity_ref).await?))
}

/// One entity by `metadata.uid`.
pub async fn get_entity_by_uid(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path(uid): Path<String>,
) -> AppResult<Json<Entity>> {
    state
        .catalog(&me)
        .by_uid(&uid)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("No entity with uid {uid}")))
}

/// Removes an entity (204, also when no entity has the uid, as in Backstage).
pub async fn delete_entity_by_uid(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(uid): Path<String>,
) -> AppResult<StatusCode> {
    state.delete_entity(&actor, &uid).await?;
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
    /// Optional predicate the entities must also match.
    #[serde(default)]
    pub query: Option<Value>,
}

/// Response of `POST /entities/by-refs`: one item per requested ref, `null` for misses.
#[derive(Debug, serde::Serialize)]
pub struct ByRefsResponse {
    /// Entities in request order.
    pub items: Vec<Option<Value>>,
}

/// Entities for a list of refs, in the request's order, `null` where there is none (or where
/// the `filter` parameter or the body's `query` excludes it, or the caller may not read it).
pub async fn post_entities_by_refs(
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
        return Err(AppError::input(
            "entityRefs: at most 10000 refs per request",
        ));
    }
    let keys: Vec<String> = body
        .entity_refs
        .iter()
        .map(|r| r.trim().to_lowercase())
        .collect();
    let query = EntityQuery {
        filter: params.filter()?,
        predicate: body
            .query
            .as_ref()
            .map(Predicate::parse)
            .transpose()
            .map_err(AppError::input)?,
        ..EntityQuery::default()
    };
    let found = state.catalog(&me).by_refs(&keys, query).await?;
    let items = keys
        .iter()
        .map(|k| found.get(k).cloned().map(|e| project(to_value(e), &fields)))
        .collect();
    Ok(Json(ByRefsResponse { items }))
}
