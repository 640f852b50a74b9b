//! Applying a full read of the registered locations to the stored catalog, in one transaction:
//! new and changed entities are written (with their search rows and the relations they emit),
//! unchanged ones are left alone, and stored entities their source really dropped are removed.
//! Entities from a file that could not be read, or from a location whose target could not be
//! listed, are kept: a broken file must not empty the catalog.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use serde::Serialize;
use trellis_shared::catalog::relations::emitted_by;
use trellis_store::{with_pool, Db, StoreError, StoreResult};

use super::load::{Load, TextRow};
use super::{bulk, search};
use crate::read::CatalogRead;

/// What an apply changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplySummary {
    /// Entities stored for the first time.
    pub added: usize,
    /// Entities whose definition or source changed.
    pub changed: usize,
    /// Entities left as they were.
    pub unchanged: usize,
    /// Entities removed because their source dropped them or their location is gone.
    pub removed: usize,
    /// Entities kept although not read this time, because their file or location failed.
    pub kept: usize,
}

struct Row {
    entity_ref: String,
    uid: String,
    kind: String,
    namespace: String,
    name: String,
    origin: String,
    file: String,
    etag: String,
    body: String,
    /// Index into the read's entities (search rows and relations are built per write batch).
    index: usize,
}

/// Stores `read` as the catalog's content for the locations in `registered` (location keys).
pub async fn apply_read(
    db: &Db,
    read: &CatalogRead,
    registered: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> StoreResult<ApplySummary> {
    let existing: Vec<(String, String, String, String, String)> = with_pool!(db, pool => {
        sqlx::query_as("SELECT entity_ref, uid, etag, origin, file FROM catalog.entities").fetch_all(pool).await
    })?;
    let existing: HashMap<String, (String, String, String, String)> = existing
        .into_iter()
        .map(|(r, uid, etag, origin, file)| (r, (uid, etag, origin, file)))
        .collect();

    let mut summary = ApplySummary::default();
    let mut writes = Vec::new();
    let mut seen = HashSet::new();
    for (index, item) in read.entities.iter().enumerate() {
        let entity = stored_form(&item.entity);
        let own = entity.entity_ref();
        let entity_ref = own.canonical();
        let body = serde_json::to_string(&entity).map_err(|e| StoreError::Invalid {
            field: "entity",
            reason: format!("{entity_ref} cannot be stored: {e}"),
        })?;
        let etag = etag_of(&[STORED_FORM, &body, &item.origin, &item.file]);
        seen.insert(entity_ref.clone());
        let uid = match existing.get(&entity_ref) {
            Some((_, old_etag, _, _)) if *old_etag == etag => {
                summary.unchanged += 1;
                continue;
            }
            Some((uid, ..)) => {
                summary.changed += 1;
                uid.clone()
            }
            None => {
                summary.added += 1;
                uuid::Uuid::new_v4().to_string()
            }
        };
        writes.push(Row {
            index,
            kind: own.kind.to_lowercase(),
            namespace: own.namespace.to_lowercase(),
            name: own.name.to_lowercase(),
            entity_ref,
            uid,
            origin: item.origin.clone(),
            file: item.file.clone(),
            etag,
            body,
        });
    }
    let mut removals = Vec::new();
    for (entity_ref, (_, _, origin, file)) in &existing {
        if seen.contains(entity_ref) {
            continue;
        }
        let source_failed =
            read.incomplete_origins.contains(origin) || read.unreadable_files.contains(file);
        if registered.contains(origin) && source_failed {
            summary.kept += 1;
        } else {
            removals.push(entity_ref.clone());
        }
    }
    summary.removed = removals.len();
    let rewritten: Vec<&String> = writes
        .iter()
        .filter(|w| existing.contains_key(&w.entity_ref))
        .map(|w| &w.entity_ref)
        .collect();
    let bulk_mode = bulk::worth_it(writes.len(), existing.len());
    let analyze = writes.len() + removals.len() > 1000;
    let (drop_indexes, create_indexes) = if bulk_mode {
        (bulk::drop_statements(db), bulk::create_statements(db))
    } else {
        (Vec::new(), Vec::new())
    };
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for sql in &drop_indexes {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        for chunk in rewritten.chunks(500) {
            for (table, column) in super::DERIVED_ROWS {
                let mut qb = sqlx::QueryBuilder::new(format!("DELETE FROM catalog.{table} WHERE {column} IN ("));
                let mut list = qb.separated(", ");
                for r in chunk {
                    list.push_bind(r.as_str());
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
        }
        for chunk in writes.chunks(500) {
            // Search rows and relations of this batch only, so a big ingest never holds them all.
            let mut search_rows: Vec<(&String, search::SearchRow)> = Vec::new();
            let mut relation_rows: Vec<(&String, (String, &'static str, String))> = Vec::new();
            let mut texts: Vec<(&String, String)> = Vec::new();
            for row in chunk {
                let entity = stored_form(&read.entities[row.index].entity);
                texts.push((&row.entity_ref, super::sql::entity_text(&entity)));
                search_rows.extend(search::rows(&entity).into_iter().map(|r| (&row.entity_ref, r)));
                relation_rows.extend(emitted_by(&entity).0.into_iter().map(|r| {
                    (&row.entity_ref, (r.source.canonical(), r.relation_type, r.target.canonical()))
                }));
            }
            for rows in chunk.chunks(200) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO catalog.entities (entity_ref, uid, kind, namespace, name, origin, file, etag, body, updated_at) ",
                );
                qb.push_values(rows, |mut b, row| {
                    b.push_bind(&row.entity_ref).push_bind(&row.uid).push_bind(&row.kind).push_bind(&row.namespace)
                        .push_bind(&row.name).push_bind(&row.origin).push_bind(&row.file).push_bind(&row.etag)
                        .push_bind(&row.body).push_bind(now);
                });
                qb.push(
                    " ON CONFLICT (entity_ref) DO UPDATE SET origin = excluded.origin, file = excluded.file, \
                     etag = excluded.etag, body = excluded.body, updated_at = excluded.updated_at",
                );
                qb.build().execute(&mut *tx).await?;
            }
            let search: Vec<TextRow> = search_rows
                .iter()
                .map(|(r, (key, value, original))| vec![Some(r.as_str()), Some(key.as_str()), value.as_deref(), original.as_deref()])
                .collect();
            tx.load("search", &["entity_ref", "key", "value", "original_value"], &search).await?;
            let relations: Vec<TextRow> = relation_rows
                .iter()
                .map(|(emitter, (source, relation_type, target))| {
                    vec![Some(source.as_str()), Some(*relation_type), Some(target.as_str()), Some(emitter.as_str())]
                })
                .collect();
            tx.load("relations", &["source_ref", "type", "target_ref", "emitted_by"], &relations).await?;
            let texts: Vec<TextRow> = texts.iter().map(|(r, t)| vec![Some(r.as_str()), Some(t.as_str())]).collect();
            tx.load("entity_text", &["entity_ref", "text"], &texts).await?;
        }
        for chunk in removals.chunks(500) {
            for (table, column) in super::DERIVED_ROWS.iter().chain(&[("entities", "entity_ref")]) {
                let mut qb = sqlx::QueryBuilder::new(format!("DELETE FROM catalog.{table} WHERE {column} IN ("));
                let mut list = qb.separated(", ");
                for r in chunk {
                    list.push_bind(r.as_str());
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
        }
        sqlx::query("DELETE FROM catalog.issues").execute(&mut *tx).await?;
        for issue in &read.issues {
            sqlx::query(
                "INSERT INTO catalog.issues (level, location, file, document, entity_ref, message, found_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(if issue.level == crate::read::Level::Error { "error" } else { "warning" })
            .bind(&issue.location).bind(&issue.file).bind(issue.document.map(|d| i32::try_from(d).unwrap_or(i32::MAX)))
            .bind(&issue.entity_ref).bind(&issue.message).bind(now)
            .execute(&mut *tx).await?;
        }
        for sql in &create_indexes {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        if analyze {
            // Large changes shift the planner's picture of the tables: refresh its statistics
            // before the new rows become visible, so the first queries on them plan well.
            let sql = match db {
                Db::Sqlite(_) => "ANALYZE catalog",
                Db::Postgres(_) => "ANALYZE catalog.entities, catalog.search, catalog.relations",
            };
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        tx.commit().await
    })?;
    tracing::info!(
        added = summary.added,
        changed = summary.changed,
        removed = summary.removed,
        kept = summary.kept,
        "catalog applied"
    );
    Ok(summary)
}

/// The entity as stored: relations, uid and etag are the catalog's, not part of the body.
fn stored_form(entity: &trellis_shared::catalog::Entity) -> trellis_shared::catalog::Entity {
    let mut entity = entity.clone();
    entity.relations.clear();
    entity.metadata.uid = None;
    entity.metadata.etag = None;
    entity
}

/// Version of the stored form (body, search rows, relations): bumping it rewrites every entity
/// on the next refresh, e.g. after a migration adds a search column.
const STORED_FORM: &str = "3";

/// A stable fingerprint of the stored form; equal inputs give equal etags on every replica.
fn etag_of(parts: &[&str]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    parts.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
