//! Graph walks over stored relations: the neighbourhood of an entity (both directions, a few
//! steps) and impact analysis (everything that transitively depends on it, with owners).
//! Each step is one batched relations query for the whole frontier.
//!
//! Walks are scoped: given the viewer's read scope (owner refs), each step asks in the same batch
//! which of the entities it reached the viewer may read, and goes on only through those. Refs
//! with no stored entity stay (they reveal nothing but a name a readable relation holds).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use trellis_shared::catalog::graph::{
    self, GraphEdge, GraphNode, Impact, Impacted, Neighborhood, IMPACT,
};
use trellis_shared::catalog::relations::types;
use trellis_store::{with_pool, Db, StoreResult};

use super::sql::{bind_all, push_scope, Sql};
use super::{placeholders, relations_of};

/// Largest impact analysis; beyond it the walk stops.
pub const MAX_IMPACT: usize = 10_000;

/// Entities within `depth` steps of `center` along dependency, API and part-of relations:
/// dependents to the left (negative columns), dependencies to the right. At most `max_nodes`.
pub async fn neighborhood(
    db: &Db,
    center: &str,
    depth: u32,
    max_nodes: usize,
    scope: Option<&[String]>,
) -> StoreResult<Neighborhood> {
    let center = center.to_lowercase();
    let mut columns: BTreeMap<String, i32> = BTreeMap::from([(center.clone(), 0)]);
    let mut edges: BTreeSet<GraphEdge> = BTreeSet::new();
    let mut truncated = 0usize;
    for side in [1i32, -1] {
        let mut frontier = vec![center.clone()];
        for step in 1..=i32::try_from(depth).unwrap_or(1) {
            if frontier.is_empty() {
                break;
            }
            let rels = relations_of(db, &frontier).await?;
            let reached: Vec<String> = rels
                .values()
                .flatten()
                .map(|r| r.target_ref.clone())
                .collect();
            let hidden = hidden(db, &reached, scope).await?;
            let mut next = Vec::new();
            for (source, list) in &rels {
                for r in list {
                    let Some(e) = graph::edge(source, &r.relation_type, &r.target_ref) else {
                        continue;
                    };
                    // Right side follows edges out of the node, left side edges into it.
                    let (here, other) = if side > 0 {
                        (&e.from, &e.to)
                    } else {
                        (&e.to, &e.from)
                    };
                    if here != source || hidden.contains(other) {
                        continue;
                    }
                    if !columns.contains_key(other) {
                        if columns.len() >= max_nodes {
                            truncated += 1;
                            continue;
                        }
                        columns.insert(other.clone(), side * step);
                        next.push(other.clone());
                    }
                    edges.insert(e);
                }
            }
            frontier = next;
        }
    }
    let refs: Vec<String> = columns.keys().cloned().collect();
    let known = existing(db, &refs).await?;
    Ok(Neighborhood {
        nodes: columns
            .into_iter()
            .map(|(entity_ref, column)| GraphNode {
                known: known.contains(&entity_ref),
                entity_ref,
                column,
            })
            .collect(),
        edges: edges.into_iter().filter(|e| e.from != e.to).collect(),
        center,
        truncated,
    })
}

/// Everything that transitively depends on `center` (through `dependsOn`, consumed APIs and
/// the APIs it provides), nearest first, with the owners to notify.
pub async fn impact(db: &Db, center: &str, scope: Option<&[String]>) -> StoreResult<Impact> {
    let center = center.to_lowercase();
    let mut found: HashMap<String, Impacted> = HashMap::new();
    let mut queue: VecDeque<(String, u32)> = VecDeque::from([(center.clone(), 0)]);
    let mut frontier: Vec<(String, u32)> = Vec::new();
    while !queue.is_empty() || !frontier.is_empty() {
        frontier.extend(queue.drain(..));
        let refs: Vec<String> = frontier.iter().map(|(r, _)| r.clone()).collect();
        let depth_of: HashMap<String, u32> = frontier.drain(..).collect();
        let rels = relations_of(db, &refs).await?;
        let reached: Vec<String> = rels
            .values()
            .flatten()
            .map(|r| r.target_ref.clone())
            .collect();
        let hidden = hidden(db, &reached, scope).await?;
        for (source, list) in &rels {
            let depth = depth_of.get(source).copied().unwrap_or(0) + 1;
            for r in list
                .iter()
                .filter(|r| IMPACT.contains(&r.relation_type.as_str()))
            {
                let dependent = &r.target_ref;
                if *dependent == center
                    || hidden.contains(dependent)
                    || found.contains_key(dependent)
                    || found.len() >= MAX_IMPACT
                {
                    continue;
                }
                let relation = graph::edge(source, &r.relation_type, dependent)
                    .map(|e| e.relation)
                    .unwrap_or_default();
                found.insert(
                    dependent.clone(),
                    Impacted {
                        entity_ref: dependent.clone(),
                        depth,
                        via: source.clone(),
                        relation,
                        owners: Vec::new(),
                    },
                );
                queue.push_back((dependent.clone(), depth));
            }
        }
    }
    let refs: Vec<String> = found.keys().cloned().collect();
    let rels = relations_of(db, &refs).await?;
    let mut per_owner: BTreeMap<String, u32> = BTreeMap::new();
    for (entity_ref, item) in found.iter_mut() {
        item.owners = rels
            .get(entity_ref)
            .map(|list| {
                list.iter()
                    .filter(|r| r.relation_type == types::OWNED_BY)
                    .map(|r| r.target_ref.clone())
                    .collect()
            })
            .unwrap_or_default();
        for owner in &item.owners {
            *per_owner.entry(owner.clone()).or_default() += 1;
        }
    }
    let mut impacted: Vec<Impacted> = found.into_values().collect();
    impacted.sort_by(|a, b| {
        a.depth
            .cmp(&b.depth)
            .then_with(|| a.entity_ref.cmp(&b.entity_ref))
    });
    let mut owners: Vec<(String, u32)> = per_owner.into_iter().collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Impact {
        center,
        impacted,
        owners,
    })
}

/// Which of `refs` are stored entities.
pub async fn existing(db: &Db, refs: &[String]) -> StoreResult<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for chunk in refs.chunks(500) {
        let sql = format!(
            "SELECT entity_ref FROM catalog.entities WHERE entity_ref IN ({})",
            placeholders(chunk.len())
        );
        let rows: Vec<String> = with_pool!(db, pool => {
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for r in chunk {
                q = q.bind(r);
            }
            q.fetch_all(pool).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Which of `refs` are stored entities outside `scope` (none when the scope is everything).
async fn hidden(
    db: &Db,
    refs: &[String],
    scope: Option<&[String]>,
) -> StoreResult<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let Some(scope) = scope else {
        return Ok(out);
    };
    let mut refs = refs.to_vec();
    refs.sort();
    refs.dedup();
    for chunk in refs.chunks(500) {
        let mut q = Sql::for_db(db);
        q.push("SELECT e.entity_ref FROM catalog.entities e WHERE e.entity_ref IN ")
            .list(chunk)
            .push(" AND NOT ");
        push_scope(&mut q, scope);
        let rows: Vec<String> = with_pool!(db, pool => {
            bind_all!(sqlx::query_scalar::<_, String>(&q.text), &q.binds).fetch_all(pool).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}
