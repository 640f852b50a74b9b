//! An entity page, `/catalog/:namespace/:kind/:name`: overview, relations, links, annotations,
//! source, processing errors, team view for groups, dependency graph, impact analysis, raw YAML.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::Params;
use leptos_router::params::Params;
use leptos_router::{
    hooks::{use_params, use_query},
    lazy_route, LazyRoute,
};
use trellis_shared::catalog::{Entity, ANNOTATION_LOCATION};

use super::graph::{DependencyGraph, ImpactPanel};
use super::links::EntityLink;
use super::team::TeamPanel;
use crate::api::entity::{load_entity_detail, EntityPageData};
use crate::api::Loaded;
use crate::components::layout::{Card, PageHeader};

/// The entity's path segments.
#[derive(Params, Clone, Debug, PartialEq, Default)]
struct EntityPath {
    namespace: Option<String>,
    kind: Option<String>,
    name: Option<String>,
}

/// The page's query: how many steps the graph shows.
#[derive(Params, Clone, Debug, PartialEq, Default)]
struct EntityQuery {
    depth: Option<u32>,
}

/// An entity page (lazy route): its data starts loading as soon as the route matches, while
/// the page's code chunk downloads.
pub struct EntityView {
    entity_ref: Memo<String>,
    depth: Memo<u32>,
    detail: Loaded<EntityPageData>,
}

#[lazy_route]
impl LazyRoute for EntityView {
    fn data() -> Self {
        let path = use_params::<EntityPath>();
        let query = use_query::<EntityQuery>();
        let entity_ref = Memo::new(move |_| {
            let p = path.get().unwrap_or_default();
            let part = |v: Option<String>| v.unwrap_or_default().to_ascii_lowercase();
            format!("{}:{}/{}", part(p.kind), part(p.namespace), part(p.name))
        });
        let depth = Memo::new(move |_| {
            query
                .get()
                .ok()
                .and_then(|q| q.depth)
                .unwrap_or(1)
                .clamp(1, 3)
        });
        let detail = Loaded::new(
            move || (entity_ref.get(), depth.get()),
            |(r, d)| load_entity_detail(r, d),
        );
        EntityView {
            entity_ref,
            depth,
            detail,
        }
    }

    fn view(this: Self) -> AnyView {
        let EntityView {
            entity_ref,
            depth,
            detail,
        } = this;
        view! {
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.get().await {
                        Ok(data) => view! { <EntityBody data depth=depth.get_untracked()/> }.into_any(),
                        Err(e) if e.is_not_found() => not_found(entity_ref.get_untracked()).into_any(),
                        Err(e) => view! {
                            <PageHeader title="Entity" summary="Catalog entity"/>
                            <Card title="This entity could not be loaded"><p role="alert">{e.to_string()}</p></Card>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// The page for a ref with no entity (the server answers 404).
fn not_found(entity_ref: String) -> impl IntoView {
    view! {
        <PageHeader title=entity_ref summary="Catalog entity"/>
        <Card title="Not in the catalog">
            <p>"No entity with this reference is stored. "<a href="/catalog">"Back to the catalog"</a></p>
        </Card>
    }
}

#[component]
fn EntityBody(data: EntityPageData, depth: u32) -> impl IntoView {
    let EntityPageData {
        entity,
        yaml,
        issues,
        graph,
        team,
        impact,
        actions,
    } = data;
    let title = entity
        .metadata
        .title
        .clone()
        .unwrap_or_else(|| entity.metadata.name.clone());
    let summary = [
        Some(entity.kind.clone()),
        entity.spec_str("type").map(str::to_string),
        entity.spec_str("lifecycle").map(str::to_string),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let has_issues = !issues.is_empty();
    view! {
        <PageHeader title=title summary=summary>
            <div inner_html=actions></div>
        </PageHeader>
        {has_issues.then(|| view! {
            <section class="card issues" role="alert">
                <h2>"Processing errors"</h2>
                <ul>{issues.into_iter().map(|i| view! { <li><strong>{i.level}</strong>" in "<code>{i.file}</code>": "{i.message}</li> }).collect_view()}</ul>
            </section>
        })}
        <div class="grid two">
            <Overview entity=entity.clone()/>
            <Relations entity=entity.clone()/>
        </div>
        {team.map(|t| view! { <TeamPanel team=t/> })}
        <DependencyGraph graph depth/>
        <ImpactPanel impact/>
        <div class="grid two">
            <Links entity=entity.clone()/>
            <Annotations entity=entity.clone()/>
        </div>
        <section class="card">
            <h2>"Raw YAML"</h2>
            <details><summary>"Show the entity as stored"</summary><pre class="yaml">{yaml}</pre></details>
        </section>
    }
}

#[component]
fn Overview(entity: Entity) -> impl IntoView {
    let rel = |t: &str| {
        entity
            .relations
            .iter()
            .filter(|r| r.relation_type == t)
            .map(|r| r.target_ref.clone())
            .collect::<Vec<_>>()
    };
    let owners = rel("ownedBy");
    let part_of = rel("partOf");
    let source = entity
        .metadata
        .annotations
        .get(ANNOTATION_LOCATION)
        .cloned()
        .unwrap_or_default();
    let profile = entity.spec.as_ref().and_then(|s| s.get("profile")).cloned();
    let email = profile
        .as_ref()
        .and_then(|p| p.get("email"))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    view! {
        <Card title="Overview">
            <p>{entity.metadata.description.clone().unwrap_or_else(|| "No description.".into())}</p>
            <dl class="facts">
                <dt>"Owner"</dt><dd>{if owners.is_empty() { view! { "—" }.into_any() } else { owners.into_iter().map(|o| view! { <EntityLink entity_ref=o with_kind=true/> " " }).collect_view().into_any() }}</dd>
                {(!part_of.is_empty()).then(|| view! { <dt>"Part of"</dt><dd>{part_of.into_iter().map(|o| view! { <EntityLink entity_ref=o with_kind=true/> " " }).collect_view()}</dd> })}
                <dt>"Namespace"</dt><dd>{entity.namespace().to_string()}</dd>
                {email.map(|e| view! { <dt>"Email"</dt><dd><a href=format!("mailto:{e}")>{e.clone()}</a></dd> })}
                {(!entity.metadata.tags.is_empty()).then(|| view! { <dt>"Tags"</dt><dd>{entity.metadata.tags.iter().map(|t| view! { <a class="tag" href=format!("/catalog?tag={}", crate::api::catalog::encode(t))>{t.clone()}</a> }).collect_view()}</dd> })}
                <dt>"Source"</dt><dd><code>{source}</code></dd>
            </dl>
        </Card>
    }
}

#[component]
fn Relations(entity: Entity) -> impl IntoView {
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &entity.relations {
        by_type
            .entry(r.relation_type.clone())
            .or_default()
            .push(r.target_ref.clone());
    }
    view! {
        <Card title="Relations">
            {if by_type.is_empty() {
                view! { <p class="muted">"No relations."</p> }.into_any()
            } else {
                view! { <dl class="facts">{by_type.into_iter().map(|(t, targets)| view! {
                    <dt>{t}</dt>
                    <dd>{targets.into_iter().map(|r| view! { <EntityLink entity_ref=r with_kind=true/> " " }).collect_view()}</dd>
                }).collect_view()}</dl> }.into_any()
            }}
        </Card>
    }
}

#[component]
fn Links(entity: Entity) -> impl IntoView {
    let items = entity.metadata.links.clone();
    view! {
        <Card title="Links">
            {if items.is_empty() { view! { <p class="muted">"No links."</p> }.into_any() } else {
                view! { <ul class="links">{items.into_iter().map(|l| {
                    let text = l.title.clone().unwrap_or_else(|| l.url.clone());
                    view! { <li><a href=l.url rel="noopener noreferrer">{text}</a></li> }
                }).collect_view()}</ul> }.into_any()
            }}
        </Card>
    }
}

#[component]
fn Annotations(entity: Entity) -> impl IntoView {
    let items: Vec<(String, String)> = entity.metadata.annotations.clone().into_iter().collect();
    view! {
        <Card title="Annotations">
            <dl class="facts mono">{items.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}</dl>
        </Card>
    }
}
