//! `GET /entities/by-query` (paged, with cursors) and `GET /entities` (Backstage's older list:
//! a plain array, `offset`/`limit`).

use axum::extract::State;
use axum::Json;
use serde_json::Value;
use trellis_catalog::store::{
    count, query_entities, query_entities_from, Cursor, QueryPage, DEFAULT_LIMIT,
};
use trellis_shared::catalog::query::{project, PageInfo, QueryResponse};
use trellis_shared::catalog::Entity;

use super::params::Params;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use trellis_auth::catalog::scope_filter;

/// A page of entities matching `filter`, ordered by `orderField`, narrowed by
/// `fullTextFilterTerm`; `cursor` continues a previous page (its query wins over the others).
/// Only what the viewer may read is counted and listed (also for a hand-made cursor).
pub async fn get_by_query(
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
    ])?;
    let fields = params.fields()?;
    let limit = params.number("limit")?.unwrap_or(DEFAULT_LIMIT);
    let mut cursor = params.cursor()?;
    let mut query = params.entity_query()?;
    scope_filter(&state.policy, &me, &mut query.filter);
    if let Some(cursor) = &mut cursor {
        let given = cursor.query.filter.clone();
        scope_filter(&state.policy, &me, &mut cursor.query.filter);
        if cursor.query.filter != given {
            // Someone else's cursor (or a hand-made one): its total is not this viewer's.
            cursor.total = count(&state.db, &cursor.query).await?;
        }
    }
    let offset = params.number("offset")?.unwrap_or(0);
    let page = query_entities_from(&state.db, &query, limit, offset, cursor.as_ref()).await?;
    Ok(Json(response(page, &fields)))
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

/// An entity as JSON (serializing our own types cannot fail; `Null` if it ever did).
pub fn to_value(entity: Entity) -> Value {
    serde_json::to_value(entity).unwrap_or(Value::Null)
}

/// All entities matching `filter` (that the viewer may read) as a plain array, `offset`/`limit`
/// paged.
pub async fn get_entities(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    params: Params,
) -> AppResult<Json<Vec<Value>>> {
    params.only(&["filter", "fields", "offset", "limit"])?;
    let fields = params.fields()?;
    let mut query = trellis_shared::catalog::query::EntityQuery {
        filter: params.filter()?,
        ..Default::default()
    };
    scope_filter(&state.policy, &me, &mut query.filter);
    let offset = params.number("offset")?.unwrap_or(0);
    let limit = params.number("limit")?;
    if limit == Some(0) {
        return Err(AppError::Input(
            "query parameter 'limit' must be greater than zero".into(),
        ));
    }
    if let Some(limit) = limit {
        let page = query_entities_from(&state.db, &query, limit, offset, None).await?;
        return Ok(Json(
            page.entities
                .into_iter()
                .map(|e| project(to_value(e), &fields))
                .collect(),
        ));
    }
    let mut out = Vec::new();
    let mut page = query_entities_from(&state.db, &query, 1000, offset, None).await?;
    loop {
        out.extend(
            page.entities
                .drain(..)
                .map(|e| project(to_value(e), &fields)),
        );
        match page.next.take() {
            Some(next) => page = query_entities(&state.db, &query, 1000, Some(&next)).await?,
            None => break,
        }
    }
    Ok(Json(out))
}
