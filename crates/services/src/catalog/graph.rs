//! Walks from one entity, within the viewer's scope: its dependency neighbourhood, what depends
//! on it (impact), the `Location` entities it was read through (ancestry), and for a group its
//! team view. The walks ask the store to go only through readable entities, step by step.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use trellis_catalog::store;
use trellis_shared::catalog::graph::{Impact, Neighborhood};
use trellis_shared::catalog::query::{Condition, Conjunction, EntityQuery, Filter, OrderField};
use trellis_shared::catalog::relations::types;
use trellis_shared::catalog::{Entity, ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION};
use trellis_shared::views::catalog::EntityRow;
use trellis_shared::views::entity::TeamView;

use super::{pages::row, CatalogReader};
use crate::error::{ServiceError, ServiceResult};

/// Most nodes drawn in a graph.
pub const MAX_GRAPH_NODES: usize = 60;
/// Most owned entities listed on a team page.
const MAX_OWNED: usize = 500;
/// Most `Location` levels an ancestry climbs.
const MAX_ANCESTRY: usize = 16;

/// One step of an ancestry, in Backstage's shape.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EntityAncestor))]
pub struct Ancestor {
    /// The entity.
    pub entity: Entity,
    /// The `Location` entities it was read through (none for a registered location's own file).
    pub parent_entity_refs: Vec<String>,
}

/// `GET .../ancestry`: the entity and the `Location` entities above it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EntityAncestryResponse))]
pub struct Ancestry {
    /// The entity asked for.
    pub root_entity_ref: String,
    /// It first, then each parent.
    pub items: Vec<Ancestor>,
}

fn targets(entity: &Entity, relation: &str) -> Vec<String> {
    entity
        .relations
        .iter()
        .filter(|r| r.relation_type == relation)
        .map(|r| r.target_ref.clone())
        .collect()
}

fn file_of(entity: &Entity) -> Option<&str> {
    let l = entity.metadata.annotations.get(ANNOTATION_LOCATION)?;
    Some(l.strip_prefix("file:").unwrap_or(l))
}

/// Whether a `Location` entity stored from `location_file` names `file` among its targets
/// (a file, a folder above it, or a glob matching it), resolving them as the reader did.
fn names_file(location: &Entity, location_file: &str, file: &str) -> bool {
    let dir = std::path::Path::new(location_file)
        .parent()
        .unwrap_or(std::path::Path::new("/"));
    let mut all = location.spec_strings("target");
    all.extend(location.spec_strings("targets"));
    all.into_iter().any(|target| {
        let joined = normalize(&dir.join(target));
        let joined = joined.to_string_lossy();
        if target.contains(['*', '?', '[']) {
            glob::Pattern::new(&joined).is_ok_and(|p| {
                p.matches_with(
                    file,
                    glob::MatchOptions {
                        require_literal_separator: true,
                        ..Default::default()
                    },
                )
            })
        } else {
            file == joined || file.starts_with(&format!("{joined}/"))
        }
    })
}

fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl CatalogReader<'_> {
    /// Entities within `depth` (1-3) steps of `entity_ref` along dependency, API and part-of
    /// relations, through readable entities only.
    pub async fn neighborhood(&self, entity_ref: &str, depth: u32) -> ServiceResult<Neighborhood> {
        let db = &self.services.db;
        Ok(store::neighborhood(
            db,
            entity_ref,
            depth.clamp(1, 3),
            MAX_GRAPH_NODES,
            self.scope.as_deref(),
        )
        .await?)
    }

    /// Everything readable that transitively depends on `entity_ref` through readable
    /// entities, with owners to notify (empty for an entity the viewer may not read).
    pub async fn impact(&self, entity_ref: &str) -> ServiceResult<Impact> {
        if self.entity(entity_ref).await?.is_none() {
            return Ok(Impact::default());
        }
        Ok(store::impact(&self.services.db, entity_ref, self.scope.as_deref()).await?)
    }

    /// Backstage's ancestry: the entity, then each `Location` entity it was read through, up
    /// to the one in its registered location's file. Unreadable ancestors end the chain.
    pub async fn ancestry(&self, entity_ref: &str) -> ServiceResult<Ancestry> {
        let key = entity_ref.to_lowercase();
        let Some(entity) = self.entity(&key).await? else {
            return Err(ServiceError::NotFound(format!("No entity {key}")));
        };
        let origin = entity
            .metadata
            .annotations
            .get(ANNOTATION_ORIGIN_LOCATION)
            .cloned();
        let locations = match &origin {
            Some(origin) => {
                let query = EntityQuery {
                    filter: Filter::all_of([
                        ("kind", "location"),
                        (
                            "metadata.annotations.backstage.io/managed-by-origin-location",
                            origin.as_str(),
                        ),
                    ]),
                    ..EntityQuery::default()
                };
                self.all(query, 0, Some(1000)).await?
            }
            None => Vec::new(),
        };
        let mut items = Vec::new();
        let mut current = Some(entity);
        while let Some(entity) = current.take() {
            if items.len() >= MAX_ANCESTRY {
                break;
            }
            let own = entity.entity_ref().canonical();
            let file = file_of(&entity).unwrap_or_default().to_string();
            let parent = locations.iter().find(|l| {
                let l_ref = l.entity_ref().canonical();
                l_ref != own
                    && !items
                        .iter()
                        .any(|a: &Ancestor| a.entity.entity_ref().canonical() == l_ref)
                    && file_of(l).is_some_and(|lf| names_file(l, lf, &file))
            });
            items.push(Ancestor {
                parent_entity_refs: parent.iter().map(|p| p.entity_ref().canonical()).collect(),
                entity,
            });
            current = parent.cloned();
        }
        Ok(Ancestry {
            root_entity_ref: key,
            items,
        })
    }

    /// A group's team view: members, parent and child teams, and what it and its sub-teams
    /// (at any depth) own, of what the viewer may read.
    pub async fn team(&self, group: &Entity) -> ServiceResult<TeamView> {
        let db = &self.services.db;
        let me = group.entity_ref().canonical();
        let mut descendants: BTreeSet<String> = BTreeSet::new();
        let mut frontier = targets(group, types::PARENT_OF);
        while !frontier.is_empty() && descendants.len() < 1000 {
            let fresh: Vec<String> = frontier
                .into_iter()
                .filter(|g| *g != me && descendants.insert(g.clone()))
                .collect();
            let rels = store::relations_of(db, &fresh).await?;
            frontier = rels
                .values()
                .flatten()
                .filter(|r| r.relation_type == types::PARENT_OF)
                .map(|r| r.target_ref.clone())
                .collect();
        }
        let sub: Vec<String> = descendants.into_iter().collect();
        Ok(TeamView {
            members: targets(group, types::HAS_MEMBER),
            children: targets(group, types::PARENT_OF),
            parent: targets(group, types::CHILD_OF).into_iter().next(),
            owned: self.owned_by(vec![me]).await?,
            owned_by_subteams: self.owned_by(sub).await?,
        })
    }

    /// What `owners` own, of what the viewer may read, by kind and name.
    async fn owned_by(&self, owners: Vec<String>) -> ServiceResult<Vec<EntityRow>> {
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        let conj = HashMap::from([("relations.ownedby".to_string(), Condition::AnyOf(owners))]);
        let query = EntityQuery {
            filter: Filter(vec![Conjunction(conj.into_iter().collect())]),
            order: vec![
                OrderField::parse("kind,asc").map_err(ServiceError::Input)?,
                OrderField::parse("metadata.name,asc").map_err(ServiceError::Input)?,
            ],
            ..EntityQuery::default()
        };
        let entities = self.all(query, 0, Some(MAX_OWNED)).await?;
        Ok(entities.iter().map(row).collect())
    }
}
