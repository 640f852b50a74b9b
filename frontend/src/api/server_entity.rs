//! Server side of the entity page's server functions.

use std::collections::{BTreeSet, HashMap};

use leptos::prelude::ServerFnError;
use trellis_catalog::store;
use trellis_shared::catalog::graph::Impact;
use trellis_shared::catalog::query::{Condition, Conjunction, EntityQuery, Filter, OrderField};
use trellis_shared::catalog::relations::types;
use trellis_shared::catalog::{Entity, ANNOTATION_LOCATION};

use super::catalog::EntityRow;
use super::entity::{EntityPageData, IssueRow, TeamView};
use super::server::{identity, portal, store_error, Portal};
use super::server_catalog::row;

/// Most nodes drawn in a graph.
const MAX_GRAPH_NODES: usize = 60;
/// Most owned entities listed on a team page.
const MAX_OWNED: usize = 500;

/// The entity page's data (`None`, and a 404 page, for an entity that is missing or that the
/// viewer may not read).
pub async fn detail(
    entity_ref: String,
    depth: u32,
) -> Result<Option<EntityPageData>, ServerFnError> {
    let portal = portal()?;
    let me = identity()?;
    let key = entity_ref.to_lowercase();
    let Some(entity) = store::get_entity(&portal.db, &key)
        .await
        .map_err(store_error)?
        .filter(|e| trellis_auth::catalog::may_read(&portal.policy, &me, e))
    else {
        not_found_status();
        return Ok(None);
    };
    let file = entity
        .metadata
        .annotations
        .get(ANNOTATION_LOCATION)
        .map(|l| l.strip_prefix("file:").unwrap_or(l).to_string())
        .unwrap_or_default();
    let issues = store::issues(&portal.db, Some((&key, &file)))
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|i| IssueRow {
            level: i.level,
            file: i.file,
            message: i.message,
        })
        .collect();
    let graph = store::neighborhood(&portal.db, &key, depth.clamp(1, 3), MAX_GRAPH_NODES)
        .await
        .map_err(store_error)?;
    let graph = super::server_scope::neighborhood(&portal, &me, graph).await?;
    let team = if entity.kind.eq_ignore_ascii_case("group") {
        Some(team(&portal, &me, &entity).await?)
    } else {
        None
    };
    let yaml =
        serde_yaml_ng::to_string(&entity).unwrap_or_else(|e| format!("# cannot show as YAML: {e}"));
    Ok(Some(EntityPageData {
        entity,
        yaml,
        issues,
        graph,
        team,
    }))
}

/// While server-rendering an entity page (not answering a `/_sf` call), a missing entity makes
/// the page a 404. Set here, in the blocking resource the response waits for, so the status is
/// in place before the response head is written.
fn not_found_status() {
    use leptos::prelude::use_context;
    let rendering_page = use_context::<http::request::Parts>()
        .is_some_and(|p| p.uri.path().starts_with("/catalog/"));
    if rendering_page {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
}

/// Impact analysis of one entity (empty for one the viewer may not read).
pub async fn impact(entity_ref: String) -> Result<Impact, ServerFnError> {
    let portal = portal()?;
    let me = identity()?;
    let readable = store::get_entity(&portal.db, &entity_ref.to_lowercase())
        .await
        .map_err(store_error)?
        .is_some_and(|e| trellis_auth::catalog::may_read(&portal.policy, &me, &e));
    if !readable {
        return Ok(Impact::default());
    }
    let impact = store::impact(&portal.db, &entity_ref)
        .await
        .map_err(store_error)?;
    super::server_scope::impact(&portal, &me, impact).await
}

fn targets(entity: &Entity, relation: &str) -> Vec<String> {
    entity
        .relations
        .iter()
        .filter(|r| r.relation_type == relation)
        .map(|r| r.target_ref.clone())
        .collect()
}

async fn team(
    portal: &Portal,
    viewer: &trellis_auth::Identity,
    group: &Entity,
) -> Result<TeamView, ServerFnError> {
    let me = group.entity_ref().canonical();
    // Sub-teams at any depth, following parentOf one level per query.
    let mut descendants: BTreeSet<String> = BTreeSet::new();
    let mut frontier = targets(group, types::PARENT_OF);
    while !frontier.is_empty() && descendants.len() < 1000 {
        let fresh: Vec<String> = frontier
            .into_iter()
            .filter(|g| *g != me && descendants.insert(g.clone()))
            .collect();
        let rels = store::relations_of(&portal.db, &fresh)
            .await
            .map_err(store_error)?;
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
        owned: owned_by(portal, viewer, vec![me]).await?,
        owned_by_subteams: owned_by(portal, viewer, sub).await?,
    })
}

/// What `owners` own, of what `viewer` may read.
async fn owned_by(
    portal: &Portal,
    viewer: &trellis_auth::Identity,
    owners: Vec<String>,
) -> Result<Vec<EntityRow>, ServerFnError> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let conj = HashMap::from([("relations.ownedby".to_string(), Condition::AnyOf(owners))]);
    let mut filter = Filter(vec![Conjunction(conj.into_iter().collect())]);
    trellis_auth::catalog::scope_filter(&portal.policy, viewer, &mut filter);
    let query = EntityQuery {
        filter,
        order: vec![
            OrderField::parse("kind,asc").map_err(ServerFnError::new)?,
            OrderField::parse("metadata.name,asc").map_err(ServerFnError::new)?,
        ],
        full_text: None,
    };
    let page = store::query_entities(&portal.db, &query, MAX_OWNED, None)
        .await
        .map_err(store_error)?;
    Ok(page.entities.iter().map(row).collect())
}
