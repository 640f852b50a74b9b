//! The dependency graph around an entity and impact analysis, as data both the server (which
//! computes them) and the client (which draws them) understand.
//!
//! Edges always point from the dependent to what it needs: `a dependsOn b`, `a consumesApi b`
//! (the consumer needs the API), `a apiProvidedBy b` (the API needs the component behind it),
//! `a partOf b`.

use serde::{Deserialize, Serialize};

use super::relations::types;

/// Relation types drawn in the graph, as seen from the entity that has them: outgoing ones
/// point at what the entity needs or belongs to.
pub const OUTGOING: &[&str] = &[
    types::DEPENDS_ON,
    types::CONSUMES_API,
    types::API_PROVIDED_BY,
    types::PART_OF,
];

/// The reverse of each of [`OUTGOING`], in the same order: who needs the entity.
pub const INCOMING: &[&str] = &[
    types::DEPENDENCY_OF,
    types::API_CONSUMED_BY,
    types::PROVIDES_API,
    types::HAS_PART,
];

/// Incoming relations along which a failure spreads (being part of a system does not make the
/// system's other parts fail).
pub const IMPACT: &[&str] = &[
    types::DEPENDENCY_OF,
    types::API_CONSUMED_BY,
    types::PROVIDES_API,
];

/// A relation `(source, type, target)` as a graph edge from dependent to dependency, if it is
/// one of the drawn types.
pub fn edge(source: &str, relation_type: &str, target: &str) -> Option<GraphEdge> {
    if OUTGOING.contains(&relation_type) {
        return Some(GraphEdge {
            from: source.into(),
            to: target.into(),
            relation: relation_type.into(),
        });
    }
    let i = INCOMING.iter().position(|t| *t == relation_type)?;
    Some(GraphEdge {
        from: target.into(),
        to: source.into(),
        relation: OUTGOING[i].into(),
    })
}

/// An entity in the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphNode {
    /// Canonical ref.
    pub entity_ref: String,
    /// Steps from the centre: negative for dependents (left), positive for dependencies (right).
    pub column: i32,
    /// Whether the entity exists in the catalog (a reference may name a missing one).
    pub known: bool,
}

/// A directed edge between two nodes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GraphEdge {
    /// The dependent side.
    pub from: String,
    /// What it needs.
    pub to: String,
    /// Relation type from `from` to `to` (one of [`OUTGOING`]).
    pub relation: String,
}

/// The neighbourhood of an entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighborhood {
    /// The centre.
    pub center: String,
    /// Nodes, centre included.
    pub nodes: Vec<GraphNode>,
    /// Edges among them.
    pub edges: Vec<GraphEdge>,
    /// Nodes left out because the graph reached its size limit.
    pub truncated: usize,
}

/// One entity affected when the centre breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impacted {
    /// Canonical ref.
    pub entity_ref: String,
    /// Hops from the centre (1 = direct).
    pub depth: u32,
    /// The entity it reaches the centre through (the centre itself for direct dependents).
    pub via: String,
    /// How it depends on `via`.
    pub relation: String,
    /// Owner refs of the entity.
    pub owners: Vec<String>,
}

/// Everything that transitively depends on an entity, and whom to tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    /// The entity analysed.
    pub center: String,
    /// Affected entities, nearest first.
    pub impacted: Vec<Impacted>,
    /// Owners to notify with how many affected entities each owns, most first.
    pub owners: Vec<(String, u32)>,
}

/// Positions of the nodes of a [`Neighborhood`] for drawing: `(entity_ref, x, y)` in a box of
/// the returned width and height, columns left to right, nodes sorted within a column.
pub fn layout(
    graph: &Neighborhood,
    column_width: u32,
    row_height: u32,
) -> (Vec<(String, u32, u32)>, u32, u32) {
    let min = graph.nodes.iter().map(|n| n.column).min().unwrap_or(0);
    let max = graph.nodes.iter().map(|n| n.column).max().unwrap_or(0);
    let mut out = Vec::with_capacity(graph.nodes.len());
    let mut tallest = 1u32;
    for column in min..=max {
        let mut refs: Vec<&str> = graph
            .nodes
            .iter()
            .filter(|n| n.column == column)
            .map(|n| n.entity_ref.as_str())
            .collect();
        refs.sort_unstable();
        tallest = tallest.max(u32::try_from(refs.len()).unwrap_or(u32::MAX));
        let x = u32::try_from(column - min).unwrap_or(0) * column_width;
        for (i, r) in refs.into_iter().enumerate() {
            out.push((r.to_string(), x, u32::try_from(i).unwrap_or(0) * row_height));
        }
    }
    // Centre each column vertically.
    let height = tallest * row_height;
    for column in min..=max {
        let x = u32::try_from(column - min).unwrap_or(0) * column_width;
        let count = out.iter().filter(|(_, px, _)| *px == x).count();
        let offset = (height - u32::try_from(count).unwrap_or(0) * row_height) / 2;
        for node in out.iter_mut().filter(|(_, px, _)| *px == x) {
            node.2 += offset;
        }
    }
    let width = u32::try_from(max - min + 1).unwrap_or(1) * column_width;
    (out, width, height)
}
