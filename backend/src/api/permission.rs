//! `POST /api/permission/authorize`: batch permission checks in the shape of Backstage's
//! permission backend (`@backstage/plugin-permission-common`'s `PermissionClient`), so plugins
//! and tools written against it can ask Trellis.
//!
//! Each item names a permission — Trellis' own `<resource-type>.<action>` (`catalog-entity.delete`,
//! `workload.restart`) or one of Backstage's catalog permissions (`catalog.entity.delete`) — and
//! optionally a `resourceRef`. With a ref the answer is `ALLOW` or `DENY` for that resource (a
//! missing entity is `DENY`); without one, `ALLOW`/`DENY` when the answer holds for every
//! resource, else, for a catalog-entity resource permission, `CONDITIONAL` with Backstage's
//! catalog rule `IS_ENTITY_OWNER` and the viewer's ownership refs as claims (basic permissions
//! and other resource types get `DENY` there: their clients accept only ALLOW/DENY). A name
//! Trellis does not know (another plugin's permission) is `DENY` for that item. All entities
//! named in one batch are loaded with one query.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use trellis_auth::catalog::owners_of;
use trellis_auth::{Action, Decision, ReadScope, Resource, ResourceType};
use trellis_catalog::store::load_entities;

use crate::api::JsonBody;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, InternalError, ServiceUnavailable};
use crate::state::AppState;

/// Most items in one request.
const MAX_ITEMS: usize = 1000;

/// The request: `{items: [{id, permission: {name, ...}, resourceRef?}]}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = AuthorizeRequest)]
pub struct Batch {
    /// The queries, at most 1000.
    #[schema(max_items = 1000)]
    items: Vec<Query>,
}

/// One query of a batch.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AuthorizeQuery)]
struct Query {
    /// Chosen by the caller; the answer for this query carries it.
    id: String,
    /// What is asked about.
    permission: Permission,
    /// The resource (for catalog entities, an entity ref); absent: for every resource.
    #[serde(default)]
    resource_ref: Option<String>,
}

/// The permission asked about (Backstage also sends `attributes` and `resourceType`; the name
/// says which, and other fields are ignored).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = AuthorizePermission)]
struct Permission {
    /// `<resource-type>.<action>` (`catalog-entity.delete`) or one of Backstage's catalog
    /// permissions (`catalog.entity.delete`).
    #[schema(example = "catalog.entity.delete")]
    name: String,
    /// `basic` or `resource` (absent: `resource`).
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// The answer: one item per query, same ids.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = AuthorizeResponse)]
pub struct Answers {
    /// One decision per query, in request order.
    #[schema(value_type = Vec<AuthorizeDecision>)]
    items: Vec<Value>,
}

/// One decision of a batch.
// Described only: `authorize` builds the decisions as JSON.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "described, never built")]
struct AuthorizeDecision {
    /// The query's id.
    id: String,
    /// `ALLOW`, `DENY` or `CONDITIONAL`.
    #[schema(example = "ALLOW")]
    result: String,
    /// `CONDITIONAL` only: `catalog`.
    plugin_id: Option<String>,
    /// `CONDITIONAL` only: the resource type, `catalog-entity`.
    resource_type: Option<String>,
    /// `CONDITIONAL` only: `{rule: IS_ENTITY_OWNER, resourceType, params: {claims: [refs]}}`.
    #[schema(value_type = Option<Object>)]
    conditions: Option<Value>,
}

/// Backstage's catalog permissions and what they are in Trellis.
const BACKSTAGE: &[(&str, ResourceType, Action)] = &[
    (
        "catalog.entity.read",
        ResourceType::CatalogEntity,
        Action::Read,
    ),
    (
        "catalog.entity.create",
        ResourceType::CatalogEntity,
        Action::Create,
    ),
    (
        "catalog.entity.delete",
        ResourceType::CatalogEntity,
        Action::Delete,
    ),
    (
        "catalog.entity.refresh",
        ResourceType::CatalogEntity,
        Action::Refresh,
    ),
    (
        "catalog.location.read",
        ResourceType::CatalogLocation,
        Action::Read,
    ),
    (
        "catalog.location.create",
        ResourceType::CatalogLocation,
        Action::Create,
    ),
    (
        "catalog.location.delete",
        ResourceType::CatalogLocation,
        Action::Delete,
    ),
];

/// The resource type and action a permission name stands for.
fn parse_name(name: &str) -> Option<(ResourceType, Action)> {
    if let Some((_, kind, action)) = BACKSTAGE.iter().find(|(n, _, _)| *n == name) {
        return Some((*kind, *action));
    }
    let (kind, action) = name.rsplit_once('.')?;
    let kind: ResourceType = serde_json::from_value(Value::String(kind.into())).ok()?;
    let action: Action = serde_json::from_value(Value::String(action.into())).ok()?;
    (kind != ResourceType::All && action != Action::All).then_some((kind, action))
}

/// Check permissions
///
/// Batch permission checks for the signed-in viewer, in the shape of Backstage's permission
/// backend. With a `resourceRef` the answer is `ALLOW` or `DENY` for that resource (a missing
/// entity is `DENY`); without one, `ALLOW`/`DENY` when the answer holds for every resource,
/// else, for a catalog-entity resource permission, `CONDITIONAL` with Backstage's catalog rule
/// `IS_ENTITY_OWNER` and the viewer's ownership refs as claims (basic permissions and other
/// resource types get `DENY` there). A name Trellis does not know is `DENY` for that item.
#[utoipa::path(
    post,
    path = "/permission/authorize",
    tag = "Permission",
    operation_id = "authorize",
    request_body = Batch,
    responses(
        (status = 200, description = "One decision per query.", body = Answers),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn authorize(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    JsonBody(batch): JsonBody<Batch>,
) -> AppResult<Json<Answers>> {
    if batch.items.len() > MAX_ITEMS {
        return Err(AppError::input(format!(
            "items: at most {MAX_ITEMS} queries per request"
        )));
    }
    let parsed: Vec<Option<(ResourceType, Action)>> = batch
        .items
        .iter()
        .map(|q| parse_name(&q.permission.name))
        .collect();
    let refs: Vec<String> = batch
        .items
        .iter()
        .zip(&parsed)
        .filter(|(_, p)| matches!(p, Some((ResourceType::CatalogEntity, _))))
        .filter_map(|(q, _)| q.resource_ref.as_ref().map(|r| r.trim().to_lowercase()))
        .collect();
    let entities = load_entities(&state.db, &refs).await?;
    let items = batch
        .items
        .iter()
        .zip(parsed)
        .map(|(q, parsed)| {
            let Some((kind, action)) = parsed else {
                return json!({"id": q.id, "result": "DENY"});
            };
            let result = match &q.resource_ref {
                Some(r) if kind == ResourceType::CatalogEntity => {
                    match entities.get(&r.trim().to_lowercase()) {
                        Some(entity) => {
                            let owners = owners_of(entity);
                            state.policy.check(
                                &me,
                                action,
                                &Resource {
                                    kind,
                                    owners: &owners,
                                },
                            )
                        }
                        None => Decision::Deny,
                    }
                }
                // Owners of other ownable resources (workloads, integration data) are not
                // looked up here yet: no answer for one of them is a yes.
                Some(_) if kind.ownable() => Decision::Deny,
                Some(_) if state.policy.may(&me, action, kind) => Decision::Allow,
                Some(_) => Decision::Deny,
                None => {
                    let basic = q.permission.kind.as_deref() == Some("basic");
                    return unscoped(&state, &me, &q.id, kind, action, basic);
                }
            };
            json!({"id": q.id, "result": word(result)})
        })
        .collect();
    Ok(Json(Answers { items }))
}

/// The answer for a query without a resource.
fn unscoped(
    state: &AppState,
    me: &trellis_auth::Identity,
    id: &str,
    kind: ResourceType,
    action: Action,
    basic: bool,
) -> Value {
    match state.policy.scope(me, action, kind) {
        ReadScope::All => json!({"id": id, "result": "ALLOW"}),
        ReadScope::Owned(_) if basic || kind != ResourceType::CatalogEntity => {
            json!({"id": id, "result": "DENY"})
        }
        ReadScope::Nothing => json!({"id": id, "result": "DENY"}),
        ReadScope::Owned(claims) => json!({
            "id": id,
            "result": "CONDITIONAL",
            "pluginId": "catalog",
            "resourceType": kind.as_str(),
            "conditions": {
                "rule": "IS_ENTITY_OWNER",
                "resourceType": kind.as_str(),
                "params": {"claims": claims},
            },
        }),
    }
}

fn word(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "ALLOW",
        Decision::Deny => "DENY",
    }
}
