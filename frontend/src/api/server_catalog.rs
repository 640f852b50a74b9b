//! Server side of the catalog server functions (compiled into the server only).

use std::collections::BTreeMap;
use std::time::Instant;

use leptos::prelude::ServerFnError;
use trellis_catalog::store::{self, Cursor};
use trellis_shared::catalog::query::{
    Condition, Conjunction, EntityQuery, Filter, FullText, OrderField,
};
use trellis_shared::catalog::relations::types;
use trellis_shared::catalog::Entity;

use super::catalog::{EntityRow, ListPage, ListParams, FACETS, PAGE_SIZE};
use super::server::{identity, portal, store_error, FacetMap, Portal, FACET_TTL};

/// The list page for `params`.
pub async fn list(params: ListParams) -> Result<ListPage, ServerFnError> {
    let portal = portal()?;
    let me = identity()?;
    let my_refs = me.ownership_refs.clone();
    let mut conj: BTreeMap<String, Condition> = BTreeMap::new();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            conj.insert(key.into(), Condition::AnyOf(vec![v.to_lowercase()]));
        }
    };
    put("kind", &params.kind);
    put("spec.type", &params.spec_type);
    put("spec.lifecycle", &params.lifecycle);
    put("metadata.tags", &params.tag);
    put("metadata.namespace", &params.namespace);
    let mut owners: Option<Vec<String>> = params.owner.as_ref().map(|o| vec![o.to_lowercase()]);
    if params.mine {
        owners = Some(match owners {
            Some(o) => o.into_iter().filter(|r| my_refs.contains(r)).collect(),
            None => my_refs.clone(),
        });
    }
    if let Some(o) = owners {
        conj.insert("relations.ownedby".into(), Condition::AnyOf(o));
    }
    let mut filter = Filter(if conj.is_empty() {
        vec![]
    } else {
        vec![Conjunction(conj)]
    });
    // What the policy lets the viewer read narrows the query itself, so counts and pages agree.
    trellis_auth::catalog::scope_filter(&portal.policy, &me, &mut filter);
    let query = EntityQuery {
        filter,
        order: vec![OrderField::parse("metadata.name,asc").map_err(ServerFnError::new)?],
        full_text: params.q.as_ref().map(|q| FullText {
            term: q.to_lowercase(),
            fields: vec![],
        }),
    };
    // A cursor from another query (edited URL) is ignored rather than mixing two queries.
    let cursor = params
        .cursor
        .as_deref()
        .and_then(|c| Cursor::decode(c).ok())
        .filter(|c| c.query == query);
    let page = store::query_entities(&portal.db, &query, PAGE_SIZE, cursor.as_ref())
        .await
        .map_err(store_error)?;
    Ok(ListPage {
        rows: page.entities.iter().map(row).collect(),
        total: page.total,
        next: page.next.as_ref().map(Cursor::encode),
        prev: page.prev.as_ref().map(Cursor::encode),
        facets: facets(&portal, &me).await?,
        viewer: Some(me.user_ref),
    })
}

/// The filter choices with their counts over what `me` may read. Viewers who may read the whole
/// catalog share one cached copy; a narrower read scope is counted for the viewer each time.
async fn facets(portal: &Portal, me: &trellis_auth::Identity) -> Result<FacetMap, ServerFnError> {
    let mut query = EntityQuery::default();
    trellis_auth::catalog::scope_filter(&portal.policy, me, &mut query.filter);
    let shared = query.filter.0.is_empty();
    if shared {
        if let Ok(cache) = portal.facet_cache.lock() {
            if let Some((at, map)) = cache.as_ref() {
                if at.elapsed() < FACET_TTL {
                    return Ok(map.clone());
                }
            }
        }
    }
    let names: Vec<String> = FACETS.iter().map(|(_, f)| f.to_string()).collect();
    let computed = store::facets(&portal.db, &names, &query)
        .await
        .map_err(store_error)?;
    let map: FacetMap = FACETS
        .iter()
        .filter_map(|(key, facet)| computed.get(*facet).map(|v| (key.to_string(), v.clone())))
        .collect();
    if shared {
        if let Ok(mut cache) = portal.facet_cache.lock() {
            *cache = Some((Instant::now(), map.clone()));
        }
    }
    Ok(map)
}

/// The list row of an entity.
pub fn row(e: &Entity) -> EntityRow {
    EntityRow {
        entity_ref: e.entity_ref().canonical(),
        kind: e.kind.clone(),
        namespace: e.namespace().to_string(),
        name: e.metadata.name.clone(),
        title: e.metadata.title.clone(),
        description: e.metadata.description.clone(),
        owners: e
            .relations
            .iter()
            .filter(|r| r.relation_type == types::OWNED_BY)
            .map(|r| r.target_ref.clone())
            .collect(),
        spec_type: e.spec_str("type").map(str::to_string),
        lifecycle: e.spec_str("lifecycle").map(str::to_string),
        tags: e.metadata.tags.clone(),
    }
}
