//! `GET /entities`: Backstage's older list, a plain array of the entities matching `filter`
//! (`offset`/`limit` paged, `order` sorted, `after` continuing from a `by-query` cursor).

use axum::extract::State;
use axum::Json;
use serde_json::Value;
use trellis_catalog::store::{Cursor, DEFAULT_LIMIT};
use trellis_shared::catalog::query::{project, EntityQuery, OrderField};

use super::params::{FieldsParam, FilterParam, Params};
use super::query::to_value;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, InternalError, ServiceUnavailable};
use crate::state::AppState;

/// The parameters of `GET /entities` besides `filter` and `fields`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntitiesParams {
    /// Entities to skip. At most once; not a non-negative integer is a 400.
    #[param(minimum = 0, default = 0)]
    pub offset: Option<u64>,
    /// Most entities to return (values above 10000 are served as 10000). `0` is a 400. At most
    /// once.
    #[param(minimum = 1)]
    pub limit: Option<u64>,
    /// Sort key, `asc:<field>` or `desc:<field>` (a bare field sorts ascending); repeat for
    /// secondary keys. Without it, entity ref order.
    #[param(style = Form, explode, example = json!(["asc:metadata.name"]))]
    pub order: Option<Vec<String>>,
    /// A `pageInfo` cursor from `/entities/by-query`: continue from there (`offset` is then
    /// ignored). At most once.
    pub after: Option<String>,
}

/// List entities (legacy)
///
/// Backstage's older list: every entity matching `filter` as a plain array, in entity ref
/// order (or `order`), optionally paged with `offset` and `limit`. Without `limit` all matching
/// entities are returned. Items are whole entities, or with `fields` only the selected paths.
#[utoipa::path(
    get,
    path = "/entities",
    tag = "Entity",
    operation_id = "getEntities",
    params(FilterParam, FieldsParam, EntitiesParams),
    responses(
        (status = 200, description = "The matching entities.", body = Vec<Object>),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
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
