//! The catalog pages' data, from the same reader methods the REST API calls: the list page
//! (one page of rows, the filter options with counts) and an entity page (the entity, its YAML,
//! processing errors, graph, impact and team view, in one call).

use std::collections::BTreeMap;

use trellis_catalog::store::Cursor;
use trellis_shared::catalog::query::{
    Condition, Conjunction, EntityQuery, Filter, FullText, OrderField,
};
use trellis_shared::catalog::relations::types;
use trellis_shared::catalog::Entity;
use trellis_shared::views::catalog::{EntityRow, ListPage, ListParams, FACETS, PAGE_SIZE};
use trellis_shared::views::entity::{EntityPageData, IssueRow};

use super::CatalogReader;
use crate::error::{ServiceError, ServiceResult};

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

impl CatalogReader<'_> {
    /// The query the list page's filters describe.
    fn list_query(&self, params: &ListParams) -> ServiceResult<EntityQuery> {
        let mine = &self.viewer.ownership_refs;
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
                Some(o) => o.into_iter().filter(|r| mine.contains(r)).collect(),
                None => mine.clone(),
            });
        }
        if let Some(o) = owners {
            conj.insert("relations.ownedby".into(), Condition::AnyOf(o));
        }
        Ok(EntityQuery {
            filter: Filter(if conj.is_empty() {
                vec![]
            } else {
                vec![Conjunction(conj)]
            }),
            order: vec![OrderField::parse("metadata.name,asc").map_err(ServiceError::Input)?],
            full_text: params.q.as_ref().map(|q| FullText {
                term: q.to_lowercase(),
                fields: vec![],
            }),
            predicate: None,
            scope: None,
        })
    }

    /// One page of the catalog list with its filter options. A cursor from another query (an
    /// edited URL) is ignored rather than mixing two queries.
    pub async fn list_page(&self, params: ListParams) -> ServiceResult<ListPage> {
        let query = self.list_query(&params)?;
        let scoped = self.scoped(query.clone());
        let cursor = params
            .cursor
            .as_deref()
            .and_then(|c| Cursor::decode(c).ok())
            .filter(|c| c.query == scoped);
        let names: Vec<String> = FACETS.iter().map(|(_, f)| f.to_string()).collect();
        let (page, facets) = tokio::join!(
            self.query(query, PAGE_SIZE, 0, cursor, true),
            self.facets(&names, EntityQuery::default())
        );
        let (page, computed) = (page?, facets?);
        Ok(ListPage {
            rows: page.entities.iter().map(row).collect(),
            total: page.total,
            next: page.next.as_ref().map(Cursor::encode),
            prev: page.prev.as_ref().map(Cursor::encode),
            facets: FACETS
                .iter()
                .filter_map(|(key, facet)| {
                    computed.get(*facet).map(|v| (key.to_string(), v.clone()))
                })
                .collect(),
            viewer: Some(self.viewer.user_ref.clone()),
        })
    }

    /// Everything an entity page shows, in one call; `None` for an entity that is missing or
    /// that the viewer may not read.
    pub async fn entity_page(
        &self,
        entity_ref: &str,
        depth: u32,
    ) -> ServiceResult<Option<EntityPageData>> {
        let key = entity_ref.to_lowercase();
        let Some(entity) = self.entity(&key).await? else {
            return Ok(None);
        };
        let team = async {
            match entity.kind.eq_ignore_ascii_case("group") {
                true => self.team(&entity).await.map(Some),
                false => Ok(None),
            }
        };
        let (issues, graph, impact, team) = tokio::join!(
            self.issues(&entity),
            self.neighborhood(&key, depth),
            self.impact(&key),
            team
        );
        let issues = issues?
            .into_iter()
            .map(|i| IssueRow {
                level: i.level,
                file: i.file,
                message: i.message,
            })
            .collect();
        let yaml = serde_yaml_ng::to_string(&entity)
            .unwrap_or_else(|e| format!("# cannot show as YAML: {e}"));
        Ok(Some(EntityPageData {
            graph: graph?,
            impact: impact?,
            team: team?,
            entity,
            yaml,
            actions: String::new(),
            issues,
        }))
    }
}
