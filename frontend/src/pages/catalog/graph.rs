//! The dependency graph around an entity, drawn as server-rendered SVG (dependents on the
//! left, what it needs on the right), and impact analysis: everything that transitively
//! depends on it, with the owners to notify.

use leptos::prelude::*;
use trellis_shared::catalog::graph::{layout, Neighborhood};

use super::links::{self, EntityLink};
use trellis_shared::catalog::graph::Impact;

const COLUMN: u32 = 230;
const ROW: u32 = 44;
const NODE_W: u32 = 190;
const NODE_H: u32 = 30;
const PAD: u32 = 10;

/// The SVG graph with links to change its depth.
#[component]
pub fn DependencyGraph(graph: Neighborhood, depth: u32) -> impl IntoView {
    let (positions, width, height) = layout(&graph, COLUMN, ROW);
    let at = |r: &str| {
        positions
            .iter()
            .find(|(p, ..)| p == r)
            .map(|(_, x, y)| (*x + PAD, *y + PAD))
    };
    let edges = graph
        .edges
        .iter()
        .filter_map(|e| {
            let (fx, fy) = at(&e.from)?;
            let (tx, ty) = at(&e.to)?;
            // From the dependent's right edge to the dependency's left edge.
            let (x1, x2) = if fx <= tx { (fx + NODE_W, tx) } else { (fx, tx + NODE_W) };
            let (y1, y2) = (fy + NODE_H / 2, ty + NODE_H / 2);
            let mid = (x1 + x2) / 2;
            let d = format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}");
            Some(view! { <path class=format!("edge {}", e.relation) d=d marker-end="url(#arrow)"><title>{format!("{} {} {}", links::label(&e.from), e.relation, links::label(&e.to))}</title></path> })
        })
        .collect_view();
    let nodes = graph
        .nodes
        .iter()
        .filter_map(|n| {
            let (x, y) = at(&n.entity_ref)?;
            let (kind, ..) = links::parts(&n.entity_ref);
            let class = format!(
                "node{}{}",
                if n.entity_ref == graph.center {
                    " center"
                } else {
                    ""
                },
                if n.known { "" } else { " missing" }
            );
            let text = format!("{kind}: {}", links::label(&n.entity_ref));
            let shown: String = if text.chars().count() > 28 {
                format!("{}…", text.chars().take(27).collect::<String>())
            } else {
                text.clone()
            };
            Some(view! {
                <a href=links::href(&n.entity_ref)>
                    <g class=class>
                        <title>{text}</title>
                        <rect x=x y=y width=NODE_W height=NODE_H rx="6"/>
                        <text x=x + 8 y=y + 19>{shown}</text>
                    </g>
                </a>
            })
        })
        .collect_view();
    let view_box = format!(
        "0 0 {} {}",
        width + 2 * PAD - (COLUMN - NODE_W),
        height + 2 * PAD
    );
    let count = graph.nodes.len();
    let truncated = graph.truncated;
    view! {
        <section class="card graph">
            <h2>"Dependency graph"</h2>
            <p class="muted">
                {format!("{count} entities within {depth} step{}: dependents on the left, what it needs on the right.", if depth == 1 { "" } else { "s" })}
                {(truncated > 0).then(|| format!(" {truncated} more not drawn."))}
                " Depth: "
                {(1..=3).map(|d| if d == depth { view! { <strong>{d}</strong> " " }.into_any() } else { view! { <a href=format!("?depth={d}")>{d}</a> " " }.into_any() }).collect_view()}
            </p>
            <div class="graph-scroll">
                <svg role="group" aria-label="Dependency graph" viewBox=view_box width=width + 2 * PAD height=height + 2 * PAD>
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z"/>
                        </marker>
                    </defs>
                    {edges}
                    {nodes}
                </svg>
            </div>
        </section>
    }
}

/// Impact analysis: what depends on the entity, with the owners to notify.
#[component]
pub fn ImpactPanel(impact: Impact) -> impl IntoView {
    view! {
        <section class="card impact">
            <h2>"Impact analysis"</h2>
            {
                    match impact {
                        i if i.impacted.is_empty() => view! { <p class="muted">"Nothing depends on this entity."</p> }.into_any(),
                        i => {
                            let n = i.impacted.len();
                            view! {
                                <p>{format!("{n} entities depend on this one, directly or transitively. Owners to notify:")}</p>
                                <ul class="owners">{i.owners.iter().map(|(o, c)| view! { <li><EntityLink entity_ref=o.clone() with_kind=true/>{format!(" — {c}")}</li> }).collect_view()}</ul>
                                <details>
                                    <summary>"Every affected entity"</summary>
                                    <table class="entities">
                                        <thead><tr><th>"Entity"</th><th>"Hops"</th><th>"Through"</th><th>"Owner"</th></tr></thead>
                                        <tbody>{i.impacted.into_iter().map(|x| view! {
                                            <tr>
                                                <td><EntityLink entity_ref=x.entity_ref with_kind=true/></td>
                                                <td>{x.depth}</td>
                                                <td>{x.relation}" "<EntityLink entity_ref=x.via/></td>
                                                <td>{x.owners.into_iter().map(|o| view! { <EntityLink entity_ref=o/> " " }).collect_view()}</td>
                                            </tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                </details>
                            }.into_any()
                        }
                    }
            }
        </section>
    }
}
