//! `GET /entities/by-query`: a page of entities matching `filter`, paged with cursors; and
//! the response shaping the other entity queries (`predicate.rs`, `list.rs`) share. Only what
//! the caller may read is counted and listed.

use axum::extract::State;
use axum::Json;
use serde_json::Value;
use trellis_catalog::store::{Cursor, QueryPage, DEFAULT_LIMIT};
use trellis_shared::catalog::query::{project, PageInfo, QueryResponse};
use trellis_shared::catalog::Entity;

use super::params::{FieldsParam, FilterParam, Params};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, InternalError, ServiceUnavailable};
use crate::state::AppState;

/// An entity as JSON (serializing our own types cannot fail; `Null` if it ever did).
pub fn to_value(entity: Entity) -> Value {
    serde_json::to_value(entity).unwrap_or(Value::Null)
}

/// The by-query answer for a page, each entity cut to `fields`.
pub(super) fn response(page: QueryPage, fields: &[String]) -> QueryResponse {
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
pub(super) fn counts(value: Option<&str>) -> AppResult<bool> {
    match value {
        None | Some("include") => Ok(true),
        Some("exclude") => Ok(false),
        Some(other) => Err(AppError::input(format!(
            "totalItems: must be include or exclude, got '{other}'"
        ))),
    }
}

/// The parameters of `GET /entities/by-query` besides `filter` and `fields`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ByQueryParams {
    /// Sort key, `field` or `field,asc` / `field,desc` (direction defaults to `asc`; field
    /// paths are case-insensitive). Repeat for secondary keys. Ties, and the order without any
    /// `orderField`, are by entity ref ascending. An empty field or a direction other than
    /// `asc`/`desc` is a 400.
    #[param(style = Form, explode, example = json!(["metadata.name,desc"]))]
    pub order_field: Option<Vec<String>>,
    /// Case-insensitive substring that one of `fullTextFilterFields` must contain. Blank means
    /// no full-text narrowing. At most once.
    pub full_text_filter_term: Option<String>,
    /// Comma-separated (or repeated) field paths searched by `fullTextFilterTerm`; defaults to
    /// `metadata.name`, `metadata.title` and `spec.profile.displayName`.
    #[param(style = Form, explode)]
    pub full_text_filter_fields: Option<Vec<String>>,
    /// Items per page. `0` returns no items, only `totalItems`. Values above 10000 are served
    /// as 10000. At most once; not a non-negative integer is a 400.
    #[param(minimum = 0, default = 200)]
    pub limit: Option<u64>,
    /// Items to skip before the first page; ignored when `cursor` is given. At most once; not a
    /// non-negative integer is a 400.
    #[param(minimum = 0, default = 0)]
    pub offset: Option<u64>,
    /// Opaque cursor from a previous response's `pageInfo`. At most once; a cursor this server
    /// did not issue, or one that does not match its query, is a 400.
    pub cursor: Option<String>,
    /// `include` (the default) counts `totalItems`; `exclude` skips the count (`totalItems` is
    /// then 0). Anything else is a 400.
    #[param(example = "include")]
    pub total_items: Option<String>,
}

/// Query entities, paged with cursors
///
/// A page of the entities matching `filter`, sorted by `orderField` and narrowed by
/// `fullTextFilterTerm`. Follow `pageInfo.nextCursor` / `pageInfo.prevCursor` with the
/// `cursor` parameter for further pages; a cursor carries its query, so with `cursor` the
/// `filter`, `orderField` and full-text parameters are still checked but the cursor's own query
/// is used, and `offset` is ignored. `totalItems` is counted on the first page and carried by
/// the cursor. Only what the caller may read is counted and listed.
#[utoipa::path(
    get,
    path = "/entities/by-query",
    tag = "Entity",
    operation_id = "getEntitiesByQuery",
    params(FilterParam, FieldsParam, ByQueryParams),
    responses(
        (status = 200, description = "A page of entities.", body = QueryResponse),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
