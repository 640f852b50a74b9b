//! Registered locations: `GET /locations`, `GET /locations/{id}`, `POST /locations`
//! (`?dryRun=true` reads without registering), `DELETE /locations/{id}`, and
//! `GET /locations/by-entity/{kind}/{namespace}/{name}`, shaped as in Backstage.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use trellis_catalog::store::{self, StoredLocation};
use trellis_catalog::{read_locations, LocationSpec};
use trellis_shared::catalog::{EntityRef, ANNOTATION_ORIGIN_LOCATION};

use super::params::Params;
use crate::api::JsonBody;
use crate::auth::authorize::{guarded, Act, Actor};
use crate::error::{AppError, AppResult};
use crate::jobs::catalog_refresh;
use crate::state::AppState;
use trellis_auth::{Action, ResourceType};

/// `{"data": location}`, as Backstage lists locations.
#[derive(Debug, Serialize)]
pub struct LocationItem {
    /// The location.
    pub data: StoredLocation,
}

/// 403 unless `viewer` may read registered locations (everyone may by default).
fn may_list(state: &AppState, viewer: &trellis_auth::Identity) -> AppResult<()> {
    if state
        .policy
        .may(viewer, Action::Read, ResourceType::CatalogLocation)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "{} may not read catalog-location",
            viewer.user_ref
        )))
    }
}

/// Every registered location.
pub async fn list(
    State(state): State<AppState>,
    crate::auth::Viewer(me): crate::auth::Viewer,
) -> AppResult<Json<Vec<LocationItem>>> {
    may_list(&state, &me)?;
    let all = store::list_locations(&state.db).await?;
    Ok(Json(
        all.into_iter().map(|data| LocationItem { data }).collect(),
    ))
}

/// One location.
pub async fn get_one(
    State(state): State<AppState>,
    crate::auth::Viewer(me): crate::auth::Viewer,
    Path(id): Path<String>,
) -> AppResult<Json<StoredLocation>> {
    may_list(&state, &me)?;
    store::get_location(&state.db, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("Found no location with ID {id}")))
}

/// The location an entity came in through (404 for an entity the viewer may not read).
pub async fn by_entity(
    State(state): State<AppState>,
    crate::auth::Viewer(me): crate::auth::Viewer,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<StoredLocation>> {
    let entity_ref = EntityRef::new(kind, namespace, name).canonical();
    let entity = store::get_entity(&state.db, &entity_ref)
        .await?
        .filter(|e| trellis_auth::catalog::may_read(&state.policy, &me, e))
        .ok_or_else(|| AppError::NotFound(format!("No entity {entity_ref}")))?;
    let origin = entity
        .metadata
        .annotations
        .get(ANNOTATION_ORIGIN_LOCATION)
        .cloned()
        .unwrap_or_default();
    store::list_locations(&state.db)
        .await?
        .into_iter()
        .find(|l| l.spec().key() == origin)
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("No location for entity {entity_ref}")))
}

/// Body of `POST /locations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLocation {
    /// `file`.
    #[serde(rename = "type")]
    pub location_type: String,
    /// Path, directory or glob on the server.
    pub target: String,
    /// Accepted for compatibility; a target that cannot be read is refused either way.
    #[serde(default)]
    pub presence: Option<String>,
}

/// Registers a location (201 with what it defines), or with `dryRun=true` only reads it.
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    params: Params,
    JsonBody(body): JsonBody<NewLocation>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let target = format!("{}:{}", body.location_type, body.target);
    let act = Act {
        action: Action::Create,
        kind: ResourceType::CatalogLocation,
        owners: &[],
        target: &target,
    };
    // Reading a location reads files on the server: even a dry run needs the permission.
    guarded(&state, &actor, act, create_checked(&state, params, body)).await
}

async fn create_checked(
    state: &AppState,
    params: Params,
    body: NewLocation,
) -> AppResult<(StatusCode, Json<Value>)> {
    params.only(&["dryRun"])?;
    let dry_run = match params
        .one("dryRun")?
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("false") | Some("no") | Some("0") => false,
        Some("true") | Some("yes") | Some("1") | Some("") => true,
        Some(other) => {
            return Err(AppError::Input(format!(
                "query parameter 'dryRun' must be true or false, got '{other}'"
            )))
        }
    };
    if body.location_type != "file" {
        return Err(AppError::Input(format!(
            "type: location type '{}' is not supported; supported: file",
            body.location_type
        )));
    }
    if body.target.trim().is_empty() {
        return Err(AppError::Input("target: must not be empty".into()));
    }
    // Only metadata is looked at here: a device, FIFO or path outside the roots is refused
    // before anything is opened. The location is stored under its resolved target.
    let (roots, asked) = (state.file_roots.clone(), body.target.clone());
    let target = tokio::task::spawn_blocking(move || roots.check(&asked))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Input)?;
    let spec = LocationSpec {
        location_type: body.location_type,
        target,
    };
    let options = state.config.catalog.read_options(state.shutdown.clone());
    let to_read = spec.clone();
    let read = tokio::task::spawn_blocking(move || read_locations(&[to_read], &options))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if read.incomplete_origins.contains(&spec.key()) {
        let reason = read
            .issues
            .first()
            .map(|i| i.message.clone())
            .unwrap_or_default();
        return Err(AppError::Input(format!(
            "target: cannot read {}: {reason}",
            spec.target
        )));
    }
    let entities: Vec<Value> = read
        .entities
        .iter()
        .map(|e| super::query::to_value(e.entity.clone()))
        .collect();
    let exists = store::list_locations(&state.db)
        .await?
        .iter()
        .any(|l| l.spec() == spec);
    if dry_run {
        let location =
            json!({ "id": spec.key(), "type": spec.location_type, "target": spec.target });
        let body = json!({ "exists": exists, "location": location, "entities": entities, "issues": read.issues });
        return Ok((StatusCode::CREATED, Json(body)));
    }
    let location = store::add_location(&state.db, &spec, Utc::now()).await?;
    catalog_refresh::run(state).await?;
    let body = json!({ "location": location, "entities": entities });
    Ok((StatusCode::CREATED, Json(body)))
}

/// Unregisters a location; the entities it brought in are removed.
pub async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let act = Act {
        action: Action::Delete,
        kind: ResourceType::CatalogLocation,
        owners: &[],
        target: &id,
    };
    guarded(&state, &actor, act, delete_checked(&state, &id)).await
}

async fn delete_checked(state: &AppState, id: &str) -> AppResult<StatusCode> {
    store::delete_location(&state.db, id)
        .await
        .map_err(|e| match e {
            trellis_store::StoreError::NotFound(_) => {
                AppError::NotFound(format!("Found no location with ID {id}"))
            }
            other => other.into(),
        })?;
    catalog_refresh::run(state).await?;
    Ok(StatusCode::NO_CONTENT)
}
