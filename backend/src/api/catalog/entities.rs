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

use super::params::{EntityNamePath, FieldsParam, FilterParam, Params};
use super::query::to_value;
use crate::api::JsonBody;
use crate::auth::caller::Caller;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{
    BadRequest, Forbidden, InternalError, NotFound, ServiceUnavailable,
};
use crate::state::AppState;

/// Get an entity by kind, namespace and name
///
/// Kind, namespace and name compare case-insensitively. An entity the caller may not read
/// answers like a missing one.
#[utoipa::path(
    get,
    path = "/entities/by-name/{kind}/{namespace}/{name}",
    tag = "Entity",
    operation_id = "getEntityByName",
    params(EntityNamePath),
    responses(
        (status = 200, description = "The entity.", body = Entity),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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

/// Get an entity's ancestry by kind, namespace and name
///
/// The entity and the `Location` entities it was read through (Backstage's ancestry): the
/// entity first, then each parent. 404 when there is no such entity (or the caller may not read
/// it).
#[utoipa::path(
    get,
    path = "/entities/by-name/{kind}/{namespace}/{name}/ancestry",
    tag = "Entity",
    operation_id = "getEntityAncestryByName",
    params(EntityNamePath),
    responses(
        (status = 200, description = "The ancestry.", body = trellis_services::catalog::Ancestry),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn get_entity_ancestry(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<Ancestry>> {
    let entity_ref = EntityRef::new(kind, namespace, name).canonical();
    Ok(Json(state.catalog(&me).ancestry(&entity_ref).await?))
}

/// Get an entity by uid
///
/// An entity the caller may not read answers like a missing one.
#[utoipa::path(
    get,
    path = "/entities/by-uid/{uid}",
    tag = "Entity",
    operation_id = "getEntityByUid",
    params(("uid" = String, Path, description = "The entity's `metadata.uid`.")),
    responses(
        (status = 200, description = "The entity.", body = Entity),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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

/// Delete an entity by uid
///
/// Removes the entity, with the relations it emitted. Answers 204 also when no entity has the
/// uid (as Backstage does). If the entity's location still defines it, the next refresh brings
/// it back. Its owners may delete it (and admins), as the permission policy says.
#[utoipa::path(
    delete,
    path = "/entities/by-uid/{uid}",
    tag = "Entity",
    operation_id = "deleteEntityByUid",
    params(("uid" = String, Path, description = "The entity's `metadata.uid`.")),
    responses(
        (status = 204, description = "Deleted, or there was no such entity."),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn delete_entity_by_uid(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(uid): Path<String>,
) -> AppResult<StatusCode> {
    state.delete_entity(&actor, &uid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /entities/by-refs`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = EntitiesByRefsRequest)]
pub struct ByRefsRequest {
    /// Full entity refs, `kind:namespace/name`; at most 10000.
    #[schema(max_items = 10000, example = json!(["component:default/petstore"]))]
    pub entity_refs: Vec<String>,
    /// Dotted paths to return, as the `fields` query parameter.
    #[serde(default)]
    pub fields: Vec<String>,
    /// A filter predicate the entities must also match (as in `POST /entities/by-query`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub query: Option<Value>,
}

/// Response of `POST /entities/by-refs`: one item per requested ref, `null` for misses.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = EntitiesBatchResponse)]
pub struct ByRefsResponse {
    /// One item per requested ref, in request order: the entity (whole, or the `fields` of it),
    /// or `null` for misses.
    #[schema(value_type = Vec<Option<Object>>)]
    pub items: Vec<Option<Value>>,
}

/// Get entities by entity refs
///
/// One item per requested ref, in request order: the entity, or `null` where no entity has the
/// ref, where the `filter` query parameter or the body's `query` excludes it, or where the
/// caller may not read it. Refs are full refs (`kind:namespace/name`), compared
/// case-insensitively. `fields` from the query and from the body are combined.
#[utoipa::path(
    post,
    path = "/entities/by-refs",
    tag = "Entity",
    operation_id = "getEntitiesByRefs",
    params(FilterParam, FieldsParam),
    request_body = ByRefsRequest,
    responses(
        (status = 200, description = "The entities, `null` for misses.", body = ByRefsResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
