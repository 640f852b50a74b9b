//! `GET /entities/by-query` and `POST /entities/by-query` (filter predicates), paged with
//! cursors, and `GET /entities` (Backstage's older list: a plain array, `offset`/`limit`,
//! `order`, `after`). Only what the caller may read is counted and listed.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use trellis_catalog::store::{Cursor, QueryPage, DEFAULT_LIMIT};
use trellis_shared::catalog::predicate::Predicate;
use trellis_shared::catalog::query::{
    project, EntityQuery, FullText, Order, OrderField, PageInfo, QueryResponse,
};
use trellis_shared::catalog::Entity;

use super::params::Params;
use crate::api::JsonBody;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// An entity as JSON (serializing our own types cannot fail; `Null` if it ever did).
pub fn to_value(entity: Entity) -> Value {
    serde_json::to_value(entity).unwrap_or(Value::Null)
}

fn response(page: QueryPage, fields: &[String]) -> QueryResponse {
    QueryResponse {
        items: page
            .entities
            .into_iter()
            .map(|e| project(to_value(e), fields))
            .collect(),
        total_items: page.total,
        page_info: PageInfo {
            next_cursor: page.next.as_ref().map(Cursor::encode),
            prev_cursor: page.prev.as_ref().map(Cursor::encode),
        },
    }
}

/// `totalItems`: `include` (the default) counts, `exclude` skips the count (total 0).
fn counts(value: Option<&str>) -> AppResult<bool> {
    match value {
        None | Some("include") => Ok(true),
        Some("exclude") => Ok(false),
        Some(other) => Err(AppError::input(format!(
            "totalItems: must be include or exclude, got '{other}'"
        ))),
    }
}

/// A page of entities matching `filter`, ordered by `orderField`, narrowed by
/// `fullTextFilterTerm`; `cursor` continues a previous page (its query wins over the others).
pub async fn get_entities_by_query(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    params: Params,
) -> AppResult<Json<QueryResponse>> {
    params.only(&[
        "filter",
        "fields",
        "orderField",
        "fullTextFilterTerm",
        "fullTextFilterFields",
        "limit",
        "offset",
        "cursor",
        "totalItems",
    ])?;
    let fields = params.fields()?;
    let limit = params.number("limit")?.unwrap_or(DEFAULT_LIMIT);
    let offset = params.number("offset")?.unwrap_or(0);
    let count = counts(params.one("totalItems")?)?;
    let page = state
        .catalog(&me)
        .query(
            params.entity_query()?,
            limit,
            offset,
            params.cursor()?,
            count,
        )
        .await?;
    Ok(Json(response(page, &fields)))
}

/// One `orderBy` item of `POST /entities/by-query`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderBy {
    field: String,
    order: Order,
}

/// `fullTextFilter` of `POST /entities/by-query`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullTextFilter {
    term: String,
    #[serde(default)]
    fields: Vec<String>,
}

/// Body of `POST /entities/by-query`, as Backstage's catalog client sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ByQueryRequest {
    query: Option<Value>,
    limit: Option<usize>,
    offset: Option<usize>,
    #[serde(default)]
    order_by: Vec<OrderBy>,
    full_text_filter: Option<FullTextFilter>,
    #[serde(default)]
    fields: Vec<String>,
    total_items: Option<String>,
    cursor: Option<String>,
}

/// A page of entities matching a filter predicate (`$all`, `$any`, `$not`, `$exists`, `$in`,
/// `$hasPrefix`, `$contains`); a `cursor` continues a previous page.
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

/// All entities matching `filter` as a plain array: `offset`/`limit` paged, `order`
/// (`asc:metadata.name`, repeated) sorted, `after` continuing from a `by-query` cursor.
pub async fn get_entities(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    params: Params,
) -> AppResult<Json<Vec<Value>>> {
    params.only(&["filter", "fields", "offset", "limit", "order", "after"])?;
    let fields = params.fields()?;
    let order = params
        .all("order")
        .into_iter()
        .map(|o| {
            let (dir, field) = o.split_once(':').unwrap_or(("asc", o));
            OrderField::parse(&format!("{field},{dir}"))
                .map_err(|e| AppError::input(format!("query parameter 'order': {e}")))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let query = EntityQuery {
        filter: params.filter()?,
        order,
        ..EntityQuery::default()
    };
    let offset = params.number("offset")?.unwrap_or(0);
    let limit = params.number("limit")?;
    if limit == Some(0) {
        return Err(AppError::input(
            "query parameter 'limit' must be greater than zero",
        ));
    }
    let catalog = state.catalog(&me);
    let entities = match params.one("after")? {
        Some(after) => {
            let cursor = Cursor::decode(after)
                .map_err(|e| AppError::input(format!("query parameter 'after': {e}")))?;
            catalog
                .query(
                    query,
                    limit.unwrap_or(DEFAULT_LIMIT),
                    0,
                    Some(cursor),
                    false,
                )
                .await?
                .entities
        }
        None => catalog.all(query, offset, limit).await?,
    };
    Ok(Json(
        entities
            .into_iter()
            .map(|e| project(to_value(e), &fields))
            .collect(),
    ))
}
