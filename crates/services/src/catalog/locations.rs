//! Registered locations, in Backstage's shapes: list, get, by entity, query by predicate,
//! register (with dry run), update, unregister, and analyze. A file target must be a regular
//! file, a folder or a glob inside `catalog.fileRoots`; registering answers what the location
//! defines at once and applies it in the background.

use std::sync::Arc;

use base64::Engine as _;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use trellis_auth::{Action, ResourceType};
use trellis_catalog::store::{self, StoredLocation};
use trellis_catalog::{read_locations, Issue, LocationSpec};
use trellis_shared::catalog::predicate::Predicate;
use trellis_shared::catalog::{Entity, EntityRef, ANNOTATION_ORIGIN_LOCATION};

use crate::access::{Act, Actor};
use crate::error::{ServiceError, ServiceResult};
use crate::Services;

/// What registering a location answers (Backstage's `AddLocationResponse`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CreateLocationResponse))]
pub struct Registered {
    /// The location (for a dry run, as it would be registered).
    pub location: StoredLocation,
    /// What it defines.
    pub entities: Vec<Entity>,
    /// Whether it is registered already (dry runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// Problems found reading it.
    pub issues: Vec<Issue>,
    /// The background run applying it (not for dry runs).
    #[serde(rename = "runId", skip_serializing_if = "Option::is_none")]
    pub run_id: Option<i64>,
}

/// A page of `POST /locations/by-query`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LocationsQueryResponse))]
pub struct LocationPage {
    /// Locations.
    pub items: Vec<StoredLocation>,
    /// All matching.
    pub total_items: usize,
    /// Where the next page starts.
    pub page_info: LocationPageInfo,
}

/// `pageInfo` of a location page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LocationsPageInfo))]
pub struct LocationPageInfo {
    /// The next page's cursor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A descriptor file an analysis found (Backstage's `AnalyzeLocationExistingEntity`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AnalyzeLocationExistingEntity))]
pub struct ExistingFile {
    /// The file, as a location.
    pub location: LocationSpec,
    /// Whether a registered location reads it already.
    pub is_registered: bool,
    /// The entity it defines.
    pub entity: Entity,
}

/// `POST /analyze-location`'s answer (Backstage's `AnalyzeLocationResponse`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AnalyzeLocationResponse))]
pub struct AnalyzeResult {
    /// The descriptor files found and what each defines.
    pub existing_entity_files: Vec<ExistingFile>,
    /// Entities Trellis would suggest generating: none (it does not guess entities from a
    /// repository's contents).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub generate_entities: Vec<serde_json::Value>,
}

/// A `POST /locations/by-query` cursor.
#[derive(Serialize, Deserialize)]
struct LocationCursor {
    offset: usize,
    limit: usize,
    query: Option<serde_json::Value>,
}

fn file_only(location_type: &str) -> ServiceResult<()> {
    if location_type == "file" {
        return Ok(());
    }
    Err(ServiceError::Input(format!(
        "type: location type '{location_type}' is not supported; Trellis reads `file` locations only (no URL readers)"
    )))
}

impl Services {
    async fn may_read_locations(&self, actor: &Actor) -> ServiceResult<()> {
        self.authorize(
            actor,
            Act::unowned(Action::Read, ResourceType::CatalogLocation, "locations"),
        )
        .await
    }

    /// Every registered location.
    pub async fn locations(&self, actor: &Actor) -> ServiceResult<Vec<StoredLocation>> {
        self.may_read_locations(actor).await?;
        Ok(store::list_locations(&self.db).await?)
    }

    /// One location.
    pub async fn location(&self, actor: &Actor, id: &str) -> ServiceResult<StoredLocation> {
        self.may_read_locations(actor).await?;
        store::get_location(&self.db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("Found no location with ID {id}")))
    }

    /// The location an entity came in through (404 for an entity the actor may not read).
    pub async fn location_of(
        &self,
        actor: &Actor,
        entity_ref: &EntityRef,
    ) -> ServiceResult<StoredLocation> {
        let key = entity_ref.canonical();
        let entity = self
            .catalog(&actor.identity)
            .entity(&key)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("No entity {key}")))?;
        let origin = entity
            .metadata
            .annotations
            .get(ANNOTATION_ORIGIN_LOCATION)
            .cloned()
            .unwrap_or_default();
        // Whoever may read the entity may see where it came from.
        store::list_locations(&self.db)
            .await?
            .into_iter()
            .find(|l| l.spec().key() == origin)
            .ok_or_else(|| ServiceError::NotFound(format!("No location for entity {key}")))
    }

    /// Locations matching a predicate on their fields (`type`, `target`, `id`), paged.
    pub async fn query_locations(
        &self,
        actor: &Actor,
        query: Option<serde_json::Value>,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> ServiceResult<LocationPage> {
        let (offset, limit, query) = match cursor {
            Some(text) => {
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(text.trim_end_matches('='))
                    .map_err(|_| {
                        ServiceError::Input("cursor: not a cursor from this server".into())
                    })?;
                let c: LocationCursor = serde_json::from_slice(&bytes).map_err(|_| {
                    ServiceError::Input("cursor: not a cursor from this server".into())
                })?;
                (c.offset, c.limit, c.query)
            }
            None => (0, limit.unwrap_or(100).clamp(1, 1000), query),
        };
        let predicate = query
            .as_ref()
            .map(Predicate::parse)
            .transpose()
            .map_err(ServiceError::Input)?;
        let matching: Vec<StoredLocation> = self
            .locations(actor)
            .await?
            .into_iter()
            .filter(|l| {
                predicate
                    .as_ref()
                    .is_none_or(|p| p.matches(&serde_json::to_value(l).unwrap_or_default()))
            })
            .collect();
        let total_items = matching.len();
        let next_cursor = (offset + limit < total_items).then(|| {
            let next = LocationCursor {
                offset: offset + limit,
                limit,
                query: query.clone(),
            };
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(serde_json::to_vec(&next).unwrap_or_default())
        });
        Ok(LocationPage {
            items: matching.into_iter().skip(offset).take(limit).collect(),
            total_items,
            page_info: LocationPageInfo { next_cursor },
        })
    }

    /// `target` checked against `catalog.fileRoots` off the async runtime (metadata only).
    async fn checked_target(&self, target: &str) -> ServiceResult<String> {
        if target.trim().is_empty() {
            return Err(ServiceError::Input("target: must not be empty".into()));
        }
        let (roots, asked) = (self.file_roots.clone(), target.to_string());
        tokio::task::spawn_blocking(move || roots.check(&asked))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?
            .map_err(ServiceError::Input)
    }

    /// Reads `spec` (bounded and confined, off the async runtime) without storing anything.
    async fn read_spec(&self, spec: &LocationSpec) -> ServiceResult<trellis_catalog::CatalogRead> {
        let options = self.config.catalog.read_options(self.shutdown.clone());
        let to_read = spec.clone();
        let read = tokio::task::spawn_blocking(move || read_locations(&[to_read], &options))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?;
        if read.incomplete_origins.contains(&spec.key()) {
            let reason = read
                .issues
                .first()
                .map(|i| i.message.clone())
                .unwrap_or_default();
            return Err(ServiceError::Input(format!(
                "target: cannot read {}: {reason}",
                spec.target
            )));
        }
        Ok(read)
    }

    /// Registers a file location (admins by default; even a dry run, since it reads files on
    /// the server). Answers what it defines at once; a real registration is then applied by a
    /// background refresh run.
    pub async fn register_location(
        self: &Arc<Self>,
        actor: &Actor,
        location_type: &str,
        target: &str,
        dry_run: bool,
    ) -> ServiceResult<Registered> {
        let key = format!("{location_type}:{target}");
        let act = Act::unowned(Action::Create, ResourceType::CatalogLocation, &key);
        self.guarded(actor, act, async {
            file_only(location_type)?;
            let spec = LocationSpec {
                location_type: location_type.into(),
                target: self.checked_target(target).await?,
            };
            let read = self.read_spec(&spec).await?;
            let entities = read.entities.into_iter().map(|e| e.entity).collect();
            let exists = store::list_locations(&self.db)
                .await?
                .iter()
                .any(|l| l.spec() == spec);
            if dry_run {
                let location = StoredLocation {
                    id: spec.key(),
                    location_type: spec.location_type.clone(),
                    target: spec.target.clone(),
                    source: "api".into(),
                };
                return Ok(Registered {
                    location,
                    entities,
                    exists: Some(exists),
                    issues: read.issues,
                    run_id: None,
                });
            }
            let location = store::add_location(&self.db, &spec, Utc::now()).await?;
            let run_id = self.start_refresh(Some(&actor.identity.user_ref)).await?;
            Ok(Registered {
                location,
                entities,
                exists: None,
                issues: read.issues,
                run_id: Some(run_id),
            })
        })
        .await
    }

    /// Points an API location at another file target; its entities follow with a background
    /// refresh (whose run id comes back).
    pub async fn update_location(
        self: &Arc<Self>,
        actor: &Actor,
        id: &str,
        location_type: &str,
        target: &str,
    ) -> ServiceResult<(StoredLocation, i64)> {
        let act = Act::unowned(Action::Update, ResourceType::CatalogLocation, id);
        self.guarded(actor, act, async {
            file_only(location_type)?;
            let spec = LocationSpec {
                location_type: location_type.into(),
                target: self.checked_target(target).await?,
            };
            let location =
                store::update_location(&self.db, id, &spec)
                    .await
                    .map_err(|e| match e {
                        trellis_store::StoreError::NotFound(_) => {
                            ServiceError::NotFound(format!("Found no location with ID {id}"))
                        }
                        other => other.into(),
                    })?;
            let run_id = self.start_refresh(Some(&actor.identity.user_ref)).await?;
            Ok((location, run_id))
        })
        .await
    }

    /// Unregisters an API location; a background refresh removes what it brought in (its run
    /// id comes back).
    pub async fn unregister_location(
        self: &Arc<Self>,
        actor: &Actor,
        id: &str,
    ) -> ServiceResult<i64> {
        let act = Act::unowned(Action::Delete, ResourceType::CatalogLocation, id);
        self.guarded(actor, act, async {
            store::delete_location(&self.db, id)
                .await
                .map_err(|e| match e {
                    trellis_store::StoreError::NotFound(_) => {
                        ServiceError::NotFound(format!("Found no location with ID {id}"))
                    }
                    other => other.into(),
                })?;
            self.start_refresh(Some(&actor.identity.user_ref)).await
        })
        .await
    }

    /// What a file location holds (Backstage's analysis): each descriptor file with its
    /// entities and whether it is registered. Trellis does not generate entities from a
    /// repository's contents, and does not read URL locations: those are refused naming why.
    pub async fn analyze_location(
        &self,
        actor: &Actor,
        location_type: &str,
        target: &str,
    ) -> ServiceResult<AnalyzeResult> {
        let key = format!("{location_type}:{target}");
        self.authorize(
            actor,
            Act::unowned(Action::Create, ResourceType::CatalogLocation, &key),
        )
        .await?;
        file_only(location_type)?;
        let spec = LocationSpec {
            location_type: location_type.into(),
            target: self.checked_target(target).await?,
        };
        let read = self.read_spec(&spec).await?;
        let registered: Vec<String> = store::list_locations(&self.db)
            .await?
            .iter()
            .map(|l| l.target.clone())
            .collect();
        let existing_entity_files = read
            .entities
            .into_iter()
            .map(|e| ExistingFile {
                is_registered: registered.contains(&e.file),
                location: LocationSpec::file(e.file.clone()),
                entity: e.entity,
            })
            .collect();
        Ok(AnalyzeResult {
            existing_entity_files,
            generate_entities: Vec::new(),
        })
    }
}
