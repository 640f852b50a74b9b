//! `POST /entities/by-query`: a page of entities matching a filter predicate (`$all`, `$any`,
//! `$not`, `$exists`, `$in`, `$hasPrefix`, `$contains`), as Backstage's catalog client sends
//! it, paged with cursors.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use trellis_catalog::store::{Cursor, DEFAULT_LIMIT};
use trellis_shared::catalog::predicate::Predicate;
use trellis_shared::catalog::query::{EntityQuery, FullText, Order, OrderField, QueryResponse};

use super::query::{counts, response};
use crate::api::JsonBody;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, InternalError, ServiceUnavailable};
use crate::state::AppState;

/// One `orderBy` item of `POST /entities/by-query`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EntityOrderBy)]
pub struct OrderBy {
    /// Field path (case-insensitive).
    field: String,
    /// Direction.
    order: Order,
}

/// `fullTextFilter` of `POST /entities/by-query`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EntityFullTextFilter)]
pub struct FullTextFilter {
    /// Case-insensitive substring one of `fields` must contain; blank means no narrowing.
    term: String,
    /// Field paths searched; as `fullTextFilterFields` by default.
    #[serde(default)]
    fields: Vec<String>,
}

/// Body of `POST /entities/by-query`, as Backstage's catalog client sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = EntitiesByQueryRequest)]
pub struct ByQueryRequest {
    /// Filter predicate: an object of `field: value` conditions (all must hold; a value may be
    /// `{$exists: bool}`, `{$in: [...]}`, `{$hasPrefix: "..."}` or `{$contains: ...}`), or
    /// `{$all: [...]}`, `{$any: [...]}`, `{$not: ...}`. Fields and values compare
    /// case-insensitively. No query matches every entity.
    #[schema(value_type = Option<Object>)]
    query: Option<Value>,
    /// Items per page (default 200; above 10000 served as 10000).
    limit: Option<usize>,
    /// Items to skip before the first page; ignored with `cursor`.
    offset: Option<usize>,
    /// Sort keys, in order; ties by entity ref ascending.
    #[serde(default)]
    order_by: Vec<OrderBy>,
    /// Full-text narrowing.
    full_text_filter: Option<FullTextFilter>,
    /// Dotted paths to return, as the `fields` query parameter.
    #[serde(default)]
    fields: Vec<String>,
    /// `include` (default) or `exclude` the count.
    total_items: Option<String>,
    /// Cursor from a previous response's `pageInfo`; its query wins over the body's.
    cursor: Option<String>,
}

/// Query entities with a filter predicate, paged with cursors
///
/// As `GET /entities/by-query`, with the query as a filter predicate in the body (`$all`,
/// `$any`, `$not`, `$exists`, `$in`, `$hasPrefix`, `$contains`), as Backstage's catalog client
/// sends it; a `cursor` continues a previous page.
#[utoipa::path(
    post,
    path = "/entities/by-query",
    tag = "Entity",
    operation_id = "queryEntitiesByPredicate",
    request_body = ByQueryRequest,
    responses(
        (status = 200, description = "A page of entities.", body = QueryResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn post_entities_by_query(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    JsonBody(body): JsonBody<ByQueryRequest>,
) -> AppResult<Json<QueryResponse>> {
    let cursor = body
        .cursor
        .as_deref()
        .map(|c| Cursor::decode(c).map_err(|e| AppError::input(format!("cursor: {e}"))))
        .transpose()?;
    let predicate = body
        .query
        .as_ref()
        .map(Predicate::parse)
        .transpose()
        .map_err(AppError::input)?;
    let term = body
        .full_text_filter
        .as_ref()
        .map(|f| f.term.trim().to_lowercase())
        .unwrap_or_default();
    let query = EntityQuery {
        predicate,
        order: body
            .order_by
            .iter()
            .map(|o| OrderField {
                field: o.field.to_lowercase(),
                order: o.order,
            })
            .collect(),
        full_text: (!term.is_empty()).then(|| FullText {
            term,
            fields: body
                .full_text_filter
                .iter()
                .flat_map(|f| f.fields.iter().map(|x| x.to_lowercase()))
                .collect(),
        }),
        ..EntityQuery::default()
    };
    let fields: Vec<String> = body
        .fields
        .iter()
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    let count = counts(body.total_items.as_deref())?;
    let page = state
        .catalog(&me)
        .query(
            query,
            body.limit.unwrap_or(DEFAULT_LIMIT),
            body.offset.unwrap_or(0),
            cursor,
            count,
        )
        .await?;
    Ok(Json(response(page, &fields)))
}
