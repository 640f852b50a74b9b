//! A person's own corner (the personal plugin), always the caller's: the JSON API under
//! `/api/me` (the forms' `POST /me/edit` is in [`super::personal_edit`]).
//! - `GET /api/me/personal`: stars, recent visits, toolkit and layout;
//! - `PUT`, `DELETE /api/me/stars/{kind}/{namespace}/{name}`: star or unstar an entity;
//! - `POST /api/me/links`, `DELETE /api/me/links/{id}`: the toolkit's own links;
//! - `GET`, `PUT`, `DELETE /api/me/layout`: the home layout (`DELETE` resets it).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use trellis_services::personal::layout::LayoutOp;
use trellis_shared::views::personal::{LayoutEntry, LayoutItem, NewLink, Personal, ToolLink};

use super::JsonBody;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::openapi::responses::{BadRequest, Conflict, InternalError, NotFound, Unauthorized};
use crate::state::AppState;

/// My corner
///
/// The caller's starred entities (latest first, with whether the catalog still has them),
/// recently visited pages, toolkit (the admins' `home.toolkit`, then their own links) and home
/// layout.
#[utoipa::path(
    get,
    path = "/me/personal",
    tag = "Personal",
    operation_id = "getPersonal",
    responses(
        (status = 200, description = "The caller's corner.", body = Personal),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_personal(
    State(state): State<AppState>,
    Viewer(me): Viewer,
) -> AppResult<Json<Personal>> {
    Ok(Json(state.personal(&me).await?))
}

/// Star an entity
///
/// The entity must exist and be readable by the caller; at most 200 stars (409 beyond).
/// Starring again changes nothing.
#[utoipa::path(
    put,
    path = "/me/stars/{kind}/{namespace}/{name}",
    tag = "Personal",
    operation_id = "starEntity",
    params(
        ("kind" = String, Path, description = "The entity's kind."),
        ("namespace" = String, Path, description = "Its namespace."),
        ("name" = String, Path, description = "Its name."),
    ),
    responses(
        (status = 204, description = "Starred."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
pub async fn star_entity(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    state
        .star(&me, &format!("{kind}:{namespace}/{name}"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unstar an entity
///
/// Also for an entity the catalog no longer has.
#[utoipa::path(
    delete,
    path = "/me/stars/{kind}/{namespace}/{name}",
    tag = "Personal",
    operation_id = "unstarEntity",
    params(
        ("kind" = String, Path, description = "The entity's kind."),
        ("namespace" = String, Path, description = "Its namespace."),
        ("name" = String, Path, description = "Its name."),
    ),
    responses(
        (status = 204, description = "Not starred (any more)."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn unstar_entity(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    state
        .unstar(&me, &format!("{kind}:{namespace}/{name}"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a toolkit link
///
/// An `http`/`https` URL (no credentials in it) or a path on Trellis, titled 1 to 80
/// characters; at most 30 links (409 beyond).
#[utoipa::path(
    post,
    path = "/me/links",
    tag = "Personal",
    operation_id = "addLink",
    request_body = NewLink,
    responses(
        (status = 201, description = "Added.", body = ToolLink),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
    )
)]
pub async fn add_link(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    JsonBody(link): JsonBody<NewLink>,
) -> AppResult<(StatusCode, Json<ToolLink>)> {
    Ok((StatusCode::CREATED, Json(state.add_link(&me, link).await?)))
}

/// Remove a toolkit link
///
/// One of the caller's own links (the admins' cannot be removed).
#[utoipa::path(
    delete,
    path = "/me/links/{id}",
    tag = "Personal",
    operation_id = "removeLink",
    params(("id" = i64, Path, description = "The link's id.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn remove_link(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id: i64 = id.parse().map_err(|_| {
        AppError::input(format!(
            "id: '{}' is not a link id",
            id.chars().take(40).collect::<String>()
        ))
    })?;
    state.remove_link(&me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My home layout
///
/// Every widget of the home page in the caller's order, with whether it shows.
#[utoipa::path(
    get,
    path = "/me/layout",
    tag = "Personal",
    operation_id = "getLayout",
    responses(
        (status = 200, description = "The layout.", body = Vec<LayoutEntry>),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_layout(
    State(state): State<AppState>,
    Viewer(me): Viewer,
) -> AppResult<Json<Vec<LayoutEntry>>> {
    Ok(Json(state.layout(&me).await?))
}

/// Set my home layout
///
/// Widgets in the order the home page shows them, each with whether it shows; each at most
/// once; widgets left out show after them. An unknown widget is a 400 naming it.
#[utoipa::path(
    put,
    path = "/me/layout",
    tag = "Personal",
    operation_id = "setLayout",
    request_body = Vec<LayoutItem>,
    responses(
        (status = 200, description = "The layout now.", body = Vec<LayoutEntry>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn set_layout(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    JsonBody(items): JsonBody<Vec<LayoutItem>>,
) -> AppResult<Json<Vec<LayoutEntry>>> {
    Ok(Json(state.set_layout(&me, items).await?))
}

/// Reset my home layout
///
/// Back to the default: every widget, in the order the plugins register them.
#[utoipa::path(
    delete,
    path = "/me/layout",
    tag = "Personal",
    operation_id = "resetLayout",
    responses(
        (status = 200, description = "The layout now.", body = Vec<LayoutEntry>),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
pub async fn reset_layout(
    State(state): State<AppState>,
    Viewer(me): Viewer,
) -> AppResult<Json<Vec<LayoutEntry>>> {
    Ok(Json(state.change_layout(&me, LayoutOp::Reset).await?))
}
