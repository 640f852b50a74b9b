//! The catalog as the caller may see it: [`CatalogReader`] puts the viewer's read scope (what
//! its teams own, and the user and team entities themselves) into every query it runs (lists and counts, facets, by-refs, single reads, graph and impact
//! walks), so nothing the viewer may not read is ever loaded, counted or walked through.
//! Mutations (refreshes, deletes, locations) go through the authorize-and-audit path.

mod graph;
mod locations;
mod pages;
mod refresh;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use trellis_auth::{Identity, ReadScope, ResourceType};
use trellis_catalog::store::{self, Cursor, QueryPage};
use trellis_shared::catalog::query::{EntityQuery, FacetCount};
use trellis_shared::catalog::Entity;

pub use graph::{Ancestor, Ancestry};
pub use locations::{AnalyzeResult, ExistingFile, LocationPage, Registered};
pub use pages::row;
pub use refresh::{plugin, JOB as REFRESH_JOB};

use crate::error::ServiceResult;
use crate::Services;

/// How long facets counted over the whole catalog are served from the cache.
pub const FACET_TTL: Duration = Duration::from_secs(30);

/// Facet name to value counts.
pub type FacetMap = BTreeMap<String, Vec<FacetCount>>;

/// Per-replica catalog state: caches and coalesced work.
pub(crate) struct State {
    /// Facets over the whole catalog (shared by every viewer who may read all of it), by the
    /// facet names asked for.
    facets: moka::future::Cache<Vec<String>, Arc<FacetMap>>,
    /// Entity refreshes in flight, by file: a second request for the same file waits for the
    /// first instead of reading it again.
    refreshes: refresh::InFlight,
}

impl Default for State {
    fn default() -> Self {
        State {
            facets: moka::future::Cache::builder()
                .max_capacity(64)
                .time_to_live(FACET_TTL)
                .build(),
            refreshes: refresh::InFlight::default(),
        }
    }
}

/// The catalog as one viewer may read it.
pub struct CatalogReader<'a> {
    services: &'a Services,
    viewer: &'a Identity,
    /// The viewer's read scope as the refs it may read through (`None`: everything).
    scope: Option<Vec<String>>,
}

impl Services {
    /// The catalog as `viewer` may read it.
    pub fn catalog<'a>(&'a self, viewer: &'a Identity) -> CatalogReader<'a> {
        let scope = match self.policy.read_scope(viewer, ResourceType::CatalogEntity) {
            ReadScope::All => None,
            ReadScope::Owned(refs) => Some(refs),
            ReadScope::Nothing => Some(Vec::new()),
        };
        CatalogReader {
            services: self,
            viewer,
            scope,
        }
    }
}

impl<'a> CatalogReader<'a> {
    /// The viewer.
    pub fn viewer(&self) -> &Identity {
        self.viewer
    }

    /// Whether the viewer may read the whole catalog.
    pub fn reads_all(&self) -> bool {
        self.scope.is_none()
    }

    /// `query` narrowed to what the viewer may read (replacing any scope it carried).
    fn scoped(&self, mut query: EntityQuery) -> EntityQuery {
        query.scope = self.scope.clone();
        query
    }

    /// A page of `query` (or of `cursor`'s query), counted and listed within the scope. A
    /// cursor made under another scope (someone else's, or hand-made) is narrowed and counted
    /// again. `count: false` skips counting a first page (its total is then 0).
    pub async fn query(
        &self,
        query: EntityQuery,
        limit: usize,
        offset: usize,
        cursor: Option<Cursor>,
        count: bool,
    ) -> ServiceResult<QueryPage> {
        let db = &self.services.db;
        let query = self.scoped(query);
        let cursor = match cursor {
            Some(mut c) => {
                let given = c.query.clone();
                c.query = self.scoped(c.query);
                if c.query != given {
                    c.total = store::count(db, &c.query).await?;
                }
                Some(c)
            }
            None => None,
        };
        if !count && cursor.is_none() {
            let mut page = store::query_entities_from(db, &query, limit, offset, None).await?;
            page.total = 0;
            return Ok(page);
        }
        Ok(store::query_entities_from(db, &query, limit, offset, cursor.as_ref()).await?)
    }

    /// Every entity matching `query`, from `offset`, at most `limit` (all when `None`).
    pub async fn all(
        &self,
        query: EntityQuery,
        offset: usize,
        limit: Option<usize>,
    ) -> ServiceResult<Vec<Entity>> {
        let db = &self.services.db;
        let query = self.scoped(query);
        if let Some(limit) = limit {
            return Ok(store::query_entities_from(db, &query, limit, offset, None)
                .await?
                .entities);
        }
        let mut out = Vec::new();
        let mut page = store::query_entities_from(db, &query, 1000, offset, None).await?;
        loop {
            out.append(&mut page.entities);
            match page.next.take() {
                Some(next) => page = store::query_entities(db, &query, 1000, Some(&next)).await?,
                None => break,
            }
        }
        Ok(out)
    }

    /// The entities among `refs` (canonical, lower case) that exist, are readable and match
    /// `query` (its filter and predicate), by ref: one statement per 500 refs.
    pub async fn by_refs(
        &self,
        refs: &[String],
        query: EntityQuery,
    ) -> ServiceResult<HashMap<String, Entity>> {
        Ok(store::load_matching(&self.services.db, refs, &self.scoped(query)).await?)
    }

    /// One entity by ref, if it exists and is readable.
    pub async fn entity(&self, entity_ref: &str) -> ServiceResult<Option<Entity>> {
        let key = entity_ref.to_lowercase();
        let mut found = self
            .by_refs(std::slice::from_ref(&key), EntityQuery::default())
            .await?;
        Ok(found.remove(&key))
    }

    /// One entity by uid, if it exists and is readable.
    pub async fn by_uid(&self, uid: &str) -> ServiceResult<Option<Entity>> {
        match store::ref_of_uid(&self.services.db, uid).await? {
            Some(entity_ref) => self.entity(&entity_ref).await,
            None => Ok(None),
        }
    }

    /// Value counts of each facet among the readable entities matching `query`. Facets over
    /// the whole catalog for a viewer who reads all of it are cached for [`FACET_TTL`].
    pub async fn facets(&self, names: &[String], query: EntityQuery) -> ServiceResult<FacetMap> {
        let db = &self.services.db;
        let whole = self.reads_all() && query == EntityQuery::default();
        if !whole {
            return Ok(store::facets(db, names, &self.scoped(query)).await?);
        }
        let cache = &self.services.catalog.facets;
        let computed = cache
            .try_get_with(names.to_vec(), async {
                store::facets(db, names, &EntityQuery::default())
                    .await
                    .map(Arc::new)
            })
            .await
            .map_err(|e: Arc<trellis_store::StoreError>| anyhow::anyhow!("counting facets: {e}"))?;
        Ok((*computed).clone())
    }

    /// The processing problems of an entity (its own and its file's).
    pub async fn issues(&self, entity: &Entity) -> ServiceResult<Vec<store::StoredIssue>> {
        let key = entity.entity_ref().canonical();
        let file = entity
            .metadata
            .annotations
            .get(trellis_shared::catalog::ANNOTATION_LOCATION)
            .map(|l| l.strip_prefix("file:").unwrap_or(l).to_string())
            .unwrap_or_default();
        Ok(store::issues(&self.services.db, Some((&key, &file))).await?)
    }
}
