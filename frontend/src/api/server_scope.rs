//! The entity page's graph and impact analysis cut down to what the viewer may read: the store
//! walks the whole catalog; here entities the viewer may not read are dropped, and so is whatever
//! was reached only through them (a readable entity's own relations still name their targets,
//! as the entity itself does).

use std::collections::{BTreeSet, HashMap};

use leptos::prelude::ServerFnError;
use trellis_auth::catalog::may_read;
use trellis_auth::{Identity, ReadScope, ResourceType};
use trellis_catalog::store;
use trellis_shared::catalog::graph::{Impact, Neighborhood};

use super::server::{store_error, Portal};

/// Whether `viewer` may read the whole catalog (nothing to cut).
fn reads_all(portal: &Portal, viewer: &Identity) -> bool {
    portal
        .policy
        .read_scope(viewer, ResourceType::CatalogEntity)
        == ReadScope::All
}

/// `graph` with only readable nodes (missing ones stay: they reveal nothing) still connected to
/// the centre, and the edges among them.
pub async fn neighborhood(
    portal: &Portal,
    viewer: &Identity,
    mut graph: Neighborhood,
) -> Result<Neighborhood, ServerFnError> {
    if reads_all(portal, viewer) {
        return Ok(graph);
    }
    let refs: Vec<String> = graph.nodes.iter().map(|n| n.entity_ref.clone()).collect();
    let entities = store::load_entities(&portal.db, &refs)
        .await
        .map_err(store_error)?;
    let readable = |r: &str| {
        r == graph.center
            || entities
                .get(r)
                .is_none_or(|e| may_read(&portal.policy, viewer, e))
    };
    let allowed: BTreeSet<String> = refs.into_iter().filter(|r| readable(r)).collect();
    // Keep what is still connected to the centre through allowed nodes.
    let mut reached: BTreeSet<String> = BTreeSet::from([graph.center.clone()]);
    loop {
        let before = reached.len();
        for e in &graph.edges {
            let (from, to) = (e.from.as_str(), e.to.as_str());
            if allowed.contains(from) && allowed.contains(to) {
                if reached.contains(from) {
                    reached.insert(to.to_string());
                }
                if reached.contains(to) {
                    reached.insert(from.to_string());
                }
            }
        }
        if reached.len() == before {
            break;
        }
    }
    graph.nodes.retain(|n| reached.contains(&n.entity_ref));
    graph
        .edges
        .retain(|e| reached.contains(&e.from) && reached.contains(&e.to));
    Ok(graph)
}

/// `impact` with only readable entities reached through readable ones, and the owners counted
/// again over those.
pub async fn impact(
    portal: &Portal,
    viewer: &Identity,
    mut impact: Impact,
) -> Result<Impact, ServerFnError> {
    if reads_all(portal, viewer) {
        return Ok(impact);
    }
    let refs: Vec<String> = impact
        .impacted
        .iter()
        .map(|i| i.entity_ref.clone())
        .collect();
    let entities = store::load_entities(&portal.db, &refs)
        .await
        .map_err(store_error)?;
    let mut kept: BTreeSet<String> = BTreeSet::from([impact.center.clone()]);
    // Nearest first, so `via` is decided before what is reached through it.
    impact.impacted.sort_by_key(|i| i.depth);
    impact.impacted.retain(|i| {
        let readable = entities
            .get(&i.entity_ref)
            .is_some_and(|e| may_read(&portal.policy, viewer, e));
        let keep = readable && kept.contains(&i.via);
        if keep {
            kept.insert(i.entity_ref.clone());
        }
        keep
    });
    let mut owners: HashMap<String, u32> = HashMap::new();
    for i in &impact.impacted {
        for o in &i.owners {
            *owners.entry(o.clone()).or_default() += 1;
        }
    }
    let mut owners: Vec<(String, u32)> = owners.into_iter().collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    impact.owners = owners;
    Ok(impact)
}
