//! The software catalog views (one lazily loaded chunk): the list at `/catalog` with filters,
//! search and pages in the URL, and entity pages at `/catalog/:namespace/:kind/:name`.

mod entity;
mod graph;
mod links;
mod team;

use leptos::prelude::*;
use leptos::Params;
use leptos_router::components::Form;
use leptos_router::params::Params;
use leptos_router::{hooks::use_query, lazy_route, LazyRoute};

pub use entity::EntityView;
use links::EntityLink;

use crate::api::catalog::{
    load_catalog_list, present, EntityRow, ListPage, ListParams, FILTER_KEYS,
};
use crate::api::Loaded;
use crate::components::layout::{Card, PageHeader};

/// The list's URL query, typed (`/catalog?kind=component&owner=...`).
#[derive(Params, Clone, Debug, PartialEq, Default)]
struct CatalogQuery {
    kind: Option<String>,
    owner: Option<String>,
    lifecycle: Option<String>,
    r#type: Option<String>,
    tag: Option<String>,
    namespace: Option<String>,
    q: Option<String>,
    mine: Option<String>,
    cursor: Option<String>,
}

impl From<CatalogQuery> for ListParams {
    fn from(q: CatalogQuery) -> Self {
        ListParams {
            kind: present(q.kind),
            owner: present(q.owner),
            lifecycle: present(q.lifecycle),
            spec_type: present(q.r#type),
            tag: present(q.tag),
            namespace: present(q.namespace),
            q: present(q.q),
            mine: present(q.mine).is_some_and(|v| v != "0" && v != "false"),
            cursor: present(q.cursor),
        }
    }
}

/// The catalog list view (lazy route): its data starts loading as soon as the route matches,
/// while the page's code chunk downloads.
pub struct CatalogView {
    params: Memo<ListParams>,
    page: Loaded<ListPage>,
}

#[lazy_route]
impl LazyRoute for CatalogView {
    fn data() -> Self {
        let query = use_query::<CatalogQuery>();
        let params = Memo::new(move |_| query.get().map(ListParams::from).unwrap_or_default());
        let page = Loaded::new(move || params.get(), load_catalog_list);
        CatalogView { params, page }
    }

    fn view(this: Self) -> AnyView {
        let CatalogView { params, page } = this;
        let here = super::section("/catalog");
        view! {
            <PageHeader title=here.label summary=here.summary/>
            // A transition keeps the current page on screen while the next one loads.
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the catalog…"</p> }>
                {move || Suspend::new(async move {
                    match page.get().await {
                        Ok(data) => view! { <ListBody data params=params.get_untracked()/> }.into_any(),
                        Err(e) => view! { <Card title="The catalog could not be loaded"><p role="alert">{e.to_string()}</p></Card> }.into_any(),
                    }
                })}
            </Transition>
        }
        .into_any()
    }
}

/// Filters, table and pager for one loaded page.
#[component]
fn ListBody(data: ListPage, params: ListParams) -> impl IntoView {
    let filters = FILTER_KEYS
        .iter()
        .map(|key| {
            let options = data.facets.get(*key).cloned().unwrap_or_default();
            let current = params.get(key).map(str::to_lowercase);
            let label = match *key { "type" => "Type", "owner" => "Owner", "lifecycle" => "Lifecycle", "tag" => "Tag", "namespace" => "Namespace", _ => "Kind" };
            view! {
                <label class="field">
                    <span>{label}</span>
                    <select name=*key>
                        <option value="">"All"</option>
                        {options.into_iter().map(|o| {
                            let selected = current.as_deref() == Some(o.value.to_lowercase().as_str());
                            let text = if *key == "owner" { links::label(&o.value) } else { o.value.clone() };
                            view! { <option value=o.value.clone() selected=selected>{format!("{text} ({})", o.count)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
        })
        .collect_view();
    let mine_label = match &data.viewer {
        Some(v) => format!("Owned by my teams ({})", links::label(v)),
        None => "Owned by my teams (no one is signed in)".to_string(),
    };
    let prev = data.prev.as_deref().map(|c| params.href(Some(c)));
    let next = data.next.as_deref().map(|c| params.href(Some(c)));
    let first = data.prev.is_some().then(|| params.href(None));
    let shown = data.rows.len();
    let total = data.total;
    view! {
        <Form method="GET" action="/catalog">
            <div class="filters" role="search">
                <label class="field grow">
                    <span>"Search"</span>
                    <input type="search" name="q" value=params.q.clone().unwrap_or_default() placeholder="Name or title"/>
                </label>
                {filters}
                <label class="check">
                    <input type="checkbox" name="mine" value="1" checked=params.mine disabled=data.viewer.is_none()/>
                    <span>{mine_label}</span>
                </label>
                <button class="button" type="submit">"Apply"</button>
                <a class="button secondary" href="/catalog">"Reset"</a>
            </div>
        </Form>
        <p class="result-count" aria-live="polite">{format!("{total} entities")}{(shown > 0 && total as usize > shown).then(|| format!(", showing {shown}"))}</p>
        {if data.rows.is_empty() {
            view! { <Card title="Nothing matches"><p>"No entity matches these filters. "<a href="/catalog">"Clear all filters"</a></p></Card> }.into_any()
        } else {
            view! { <EntityTable rows=data.rows/> }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {first.map(|h| view! { <a class="button secondary" href=h>"First"</a> })}
            {prev.map(|h| view! { <a class="button secondary" rel="prev" href=h>"Previous"</a> })}
            {next.map(|h| view! { <a class="button secondary" rel="next" href=h>"Next"</a> })}
        </nav>
    }
}

/// A table of entities.
#[component]
pub fn EntityTable(rows: Vec<EntityRow>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="entities">
                <thead><tr><th>"Name"</th><th>"Kind"</th><th>"Type"</th><th>"Owner"</th><th>"Lifecycle"</th><th>"Description"</th><th>"Tags"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td><a href=links::href(&r.entity_ref)>{r.title.clone().unwrap_or_else(|| r.name.clone())}</a></td>
                            <td>{r.kind.clone()}</td>
                            <td>{r.spec_type.clone().unwrap_or_default()}</td>
                            <td>{r.owners.iter().map(|o| view! { <EntityLink entity_ref=o.clone()/> }).collect_view()}</td>
                            <td>{r.lifecycle.clone().map(|l| view! { <span class=format!("lifecycle {l}")>{l.clone()}</span> })}</td>
                            <td class="muted">{r.description.clone().unwrap_or_default()}</td>
                            <td>{r.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> }).collect_view()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
