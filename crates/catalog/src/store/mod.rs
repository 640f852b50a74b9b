//! The catalog's tables (`catalog.*`): entities with their source, flattened search rows,
//! relations by the entity that emitted them, registered locations, and read issues.
//!
//! An entity's `relations` are not stored in its body: they are read from `catalog.relations`,
//! where each row belongs to the entity whose spec emitted it, so when any entity changes or
//! goes, exactly its rows change or go, and both directions stay consistent.

mod apply;
mod bulk;
mod count;
mod cursor;
mod facets;
mod grams;
mod graph;
mod issues;
mod load;
mod locations;
mod query;
mod search;
pub(crate) mod sql;
mod text;
mod walk;
mod write;

use std::collections::{BTreeMap, HashMap};

use trellis_shared::catalog::query::EntityQuery;
use trellis_shared::catalog::{Entity, EntityRelation, RelationTarget};
use trellis_store::{with_pool, Db, StoreError, StoreResult};

pub use apply::{
    apply_read, apply_stream, stream_locations, ApplySummary, ReadMessage, Scope, PROVIDER_ORIGIN,
};
pub use facets::facets;
pub use graph::{existing, impact, neighborhood, MAX_IMPACT};
pub use issues::{issues, StoredIssue};
pub use locations::{
    add_location, delete_location, get_location, list_locations, sync_config_locations,
    update_location, StoredLocation,
};
pub use query::{
    count, query_entities, query_entities_from, Cursor, QueryPage, DEFAULT_LIMIT, MAX_LIMIT,
};

/// Tables holding rows derived from a stored entity, and the column naming that entity: when an
/// entity is rewritten or removed, exactly these rows go with it.
pub(crate) const DERIVED_ROWS: [(&str, &str); 4] = [
    ("relations", "emitted_by"),
    ("search", "entity_ref"),
    ("entity_text", "entity_ref"),
    ("entity_grams", "entity_ref"),
];

/// PostgreSQL only: the first statement of every transaction that writes the catalog. It takes
/// a transaction-level advisory lock (the key is "trellis" in ASCII), so writers run one at a
/// time, also across replicas, and none holds rows while it waits for another. The triggers
/// keeping `gram_counts` update the same few rows from every write (the counts of common
/// characters); writers that took them in different orders could deadlock.
pub(crate) const LOCK_WRITES: &str = "SELECT pg_advisory_xact_lock(32776877234743667)";

/// The entity stored under `entity_ref` (canonical form), with uid, etag and relations.
pub async fn get_entity(db: &Db, entity_ref: &str) -> StoreResult<Option<Entity>> {
    let key = entity_ref.to_lowercase();
    Ok(load_entities(db, std::slice::from_ref(&key))
        .await?
        .remove(&key))
}

/// The stored entities among `refs` (canonical, lower case), with uid, etag and relations.
///
/// One statement per 500 refs reads the bodies and each entity's relations as a JSON array of
/// `[type, target]` pairs: a page is one round trip, not one for bodies and one for relations.
pub async fn load_entities(db: &Db, refs: &[String]) -> StoreResult<HashMap<String, Entity>> {
    load_matching(db, refs, &EntityQuery::default()).await
}

/// [`load_entities`] of those among `refs` that also match `query` (its filter, predicate and
/// term): a scoped read in the same one statement.
pub async fn load_matching(
    db: &Db,
    refs: &[String],
    query: &EntityQuery,
) -> StoreResult<HashMap<String, Entity>> {
    // An entity without relations gets `[]` (SQLite) or NULL (PostgreSQL's json_agg).
    let aggregate = match db {
        Db::Sqlite(_) => "json_group_array(json_array(r.type, r.target_ref))",
        Db::Postgres(_) => "json_agg(json_build_array(r.type, r.target_ref))::text",
    };
    let everything = *query == EntityQuery::default();
    let mut out = HashMap::with_capacity(refs.len());
    for chunk in refs.chunks(500) {
        let mut q = sql::Sql::for_db(db);
        q.push(&format!(
            "SELECT e.entity_ref, e.uid, e.etag, e.body, \
             (SELECT {aggregate} FROM catalog.relations r WHERE r.source_ref = e.entity_ref) \
             FROM catalog.entities e WHERE e.entity_ref IN "
        ))
        .list(chunk);
        if !everything {
            q.push(" AND ");
            query::push_where(&mut q, query);
        }
        type Row = (String, String, String, String, Option<String>);
        let rows: Vec<Row> = with_pool!(db, pool => {
            sql::bind_all!(sqlx::query_as::<_, Row>(&q.text), &q.binds).fetch_all(pool).await
        })?;
        for (entity_ref, uid, etag, body, relations) in rows {
            let mut entity = decode(&body, &entity_ref)?;
            entity.metadata.uid = Some(uid);
            entity.metadata.etag = Some(etag);
            let pairs: Vec<(String, String)> = match relations {
                Some(json) => serde_json::from_str(&json).map_err(|e| {
                    StoreError::Conflict(format!("relations of {entity_ref} are unreadable: {e}"))
                })?,
                None => Vec::new(),
            };
            let mut relations: Vec<EntityRelation> = pairs
                .into_iter()
                .map(|(relation_type, target)| relation(relation_type, target))
                .collect();
            relations.sort();
            relations.dedup();
            entity.relations = relations;
            out.insert(entity_ref, entity);
        }
    }
    Ok(out)
}

/// The canonical ref of the entity with `uid`, if any.
pub async fn ref_of_uid(db: &Db, uid: &str) -> StoreResult<Option<String>> {
    Ok(with_pool!(db, pool => {
        sqlx::query_scalar::<_, String>("SELECT entity_ref FROM catalog.entities WHERE uid = $1")
            .bind(uid)
            .fetch_optional(pool)
            .await
    })?)
}

/// Removes the entity with `uid` (its search rows and the relations it emitted with it).
/// Returns its ref, or `None` when no entity has that uid. An entity its location still
/// defines comes back with the next refresh, as in Backstage.
pub async fn delete_entity_by_uid(db: &Db, uid: &str) -> StoreResult<Option<String>> {
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        if matches!(db, Db::Postgres(_)) {
            sqlx::query(LOCK_WRITES).execute(&mut *tx).await?;
        }
        let found = sqlx::query_scalar::<_, String>("SELECT entity_ref FROM catalog.entities WHERE uid = $1")
            .bind(uid).fetch_optional(&mut *tx).await?;
        if let Some(entity_ref) = &found {
            for (table, column) in DERIVED_ROWS.iter().chain(&[("entities", "entity_ref")]) {
                sqlx::query(&format!("DELETE FROM catalog.{table} WHERE {column} = $1"))
                    .bind(entity_ref).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(found)
    })
}

/// Relations of the given entities (canonical refs), sorted and without duplicates.
pub async fn relations_of(
    db: &Db,
    refs: &[String],
) -> StoreResult<BTreeMap<String, Vec<EntityRelation>>> {
    let mut out: BTreeMap<String, Vec<EntityRelation>> = BTreeMap::new();
    for chunk in refs.chunks(500) {
        let sql = format!(
            "SELECT source_ref, type, target_ref FROM catalog.relations WHERE source_ref IN ({})",
            placeholders(chunk.len())
        );
        let rows: Vec<(String, String, String)> = with_pool!(db, pool => {
            let mut query = sqlx::query_as::<_, (String, String, String)>(&sql);
            for r in chunk {
                query = query.bind(r);
            }
            query.fetch_all(pool).await
        })?;
        for (source, relation_type, target_ref) in rows {
            out.entry(source)
                .or_default()
                .push(relation(relation_type, target_ref));
        }
    }
    for list in out.values_mut() {
        list.sort();
        list.dedup();
    }
    Ok(out)
}

/// Number of stored entities.
pub async fn count_entities(db: &Db) -> StoreResult<i64> {
    let n = with_pool!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM catalog.entities").fetch_one(pool).await)?;
    Ok(n)
}

fn relation(relation_type: String, target_ref: String) -> EntityRelation {
    let (kind, rest) = target_ref.split_once(':').unwrap_or(("", &target_ref));
    let (namespace, name) = rest.split_once('/').unwrap_or(("", rest));
    let target = RelationTarget {
        kind: kind.into(),
        namespace: namespace.into(),
        name: name.into(),
    };
    EntityRelation {
        relation_type,
        target_ref,
        target,
    }
}

fn decode(body: &str, entity_ref: &str) -> StoreResult<Entity> {
    serde_json::from_str(body).map_err(|e| {
        StoreError::Conflict(format!("stored body of {entity_ref} is unreadable: {e}"))
    })
}

/// `$1, $2, ..., $n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The entity with metadata.uid `uid`.
pub async fn get_entity_by_uid(db: &Db, uid: &str) -> StoreResult<Option<Entity>> {
    let entity_ref = with_pool!(db, pool => {
        sqlx::query_scalar::<_, String>("SELECT entity_ref FROM catalog.entities WHERE uid = $1").bind(uid).fetch_optional(pool).await
    })?;
    match entity_ref {
        Some(r) => get_entity(db, &r).await,
        None => Ok(None),
    }
}
