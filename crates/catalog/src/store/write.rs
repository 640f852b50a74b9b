//! One batch of an apply: deciding per read entity whether it is new, changed or unchanged
//! (by etag), and writing the new and changed ones with the rows derived from them (search
//! rows, relations, full-text), through [`Load`] so the same code serves both backends.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use trellis_shared::catalog::relations::emitted_by;
use trellis_shared::catalog::Entity;
use trellis_store::{StoreError, StoreResult};

use super::apply::{ApplySummary, Scope};
use super::bulk::Held;
use super::load::{load_relations, load_search, Load, TextRow};
use super::search;
use crate::read::{Issue, Level, ReadEntity};

/// A search row with the ref of its entity.
pub(super) type EntitySearchRow = (Arc<str>, search::SearchRow);

/// A relation: `(source_ref, type, target_ref, emitted_by)`.
pub(super) type RelationRow = (String, &'static str, String, Arc<str>);

/// What is stored of an entity before the apply, by canonical ref.
pub(super) struct Stored {
    pub uid: String,
    pub etag: String,
    pub origin: String,
    pub file: String,
}

/// An entity to write.
pub(super) struct Row {
    entity_ref: String,
    uid: String,
    kind: String,
    namespace: String,
    name: String,
    /// The kind and name as written, where that is not their lower-case form (facets show it).
    kind_spelled: Option<String>,
    name_spelled: Option<String>,
    /// The values of [`search::value_columns`] (apiVersion, the location annotations).
    values: Vec<Option<String>>,
    origin: String,
    file: String,
    etag: String,
    body: String,
    /// Whether a stored row is replaced.
    replaces: bool,
}

/// Rows to write for one batch of read entities, with everything derived from them, built
/// apart from the writing so the two overlap.
#[derive(Default)]
pub(super) struct Batch {
    rows: Vec<Row>,
    /// Search rows with their entity.
    search: Vec<EntitySearchRow>,
    /// Relations the entities emit.
    relations: Vec<RelationRow>,
    /// Full-text line of each row.
    texts: Vec<String>,
}

/// The running state of an apply across its batches.
pub(super) struct Stage {
    pub stored: Arc<HashMap<String, Stored>>,
    pub scope: Scope,
    /// Refs read so far (in scope).
    pub seen: HashSet<String>,
    pub summary: ApplySummary,
    /// Entities read here that another scope already defines: reported, not written.
    pub conflicts: Vec<Issue>,
}

impl Stage {
    /// Sorts `batch` into unchanged entities (counted only) and rows to write.
    pub fn prepare(&mut self, batch: Vec<ReadEntity>) -> StoreResult<Batch> {
        let mut out = Batch::default();
        for item in batch {
            let entity = stored_form(item.entity);
            let own = entity.entity_ref();
            let entity_ref = own.canonical();
            let old = self.stored.get(&entity_ref);
            if let Some(old) = old.filter(|old| !self.scope.owns_row(&old.origin, &old.file)) {
                self.conflicts.push(Issue {
                    level: Level::Error,
                    location: item.origin,
                    file: item.file,
                    document: None,
                    entity_ref: Some(entity_ref.clone()),
                    message: format!(
                        "{entity_ref} is already defined by {}; this definition is ignored",
                        old.origin
                    ),
                });
                continue;
            }
            if !self.seen.insert(entity_ref.clone()) {
                continue; // a source repeating itself: the first definition wins
            }
            let invalid = |e: serde_json::Error| StoreError::Invalid {
                field: "entity",
                reason: format!("{entity_ref} cannot be stored: {e}"),
            };
            let value = serde_json::to_value(&entity).map_err(invalid)?;
            let body = serde_json::to_string(&value).map_err(invalid)?;
            let etag = etag_of(&[STORED_FORM, &body, &item.origin, &item.file]);
            let uid = match old {
                Some(old) if old.etag == etag => {
                    self.summary.unchanged += 1;
                    continue;
                }
                Some(old) => {
                    self.summary.changed += 1;
                    old.uid.clone()
                }
                None => {
                    self.summary.added += 1;
                    uuid::Uuid::new_v4().to_string()
                }
            };
            out.texts.push(super::text::entity_text(&entity));
            let shared: Arc<str> = Arc::from(entity_ref.as_str());
            out.search.extend(
                search::rows_of(&value)
                    .into_iter()
                    .map(|r| (shared.clone(), r)),
            );
            out.relations
                .extend(emitted_by(&entity).0.into_iter().map(|rel| {
                    (
                        rel.source.canonical(),
                        rel.relation_type,
                        rel.target.canonical(),
                        shared.clone(),
                    )
                }));
            let (kind, name) = (own.kind.to_lowercase(), own.name.to_lowercase());
            out.rows.push(Row {
                values: search::column_values(&value),
                kind_spelled: (kind != own.kind).then(|| own.kind.clone()),
                name_spelled: (name != own.name).then(|| own.name.clone()),
                kind,
                namespace: own.namespace.to_lowercase(),
                name,
                replaces: old.is_some(),
                entity_ref,
                uid,
                origin: item.origin,
                file: item.file,
                etag,
                body,
            });
        }
        Ok(out)
    }

    /// Entities written so far.
    pub fn writes(&self) -> usize {
        self.summary.added + self.summary.changed
    }
}

/// Writes a batch: rows it replaces go first, with everything derived from them. A bulk load
/// passes `held`, which keeps the search rows and relations to write them at its end in index
/// order.
pub(super) async fn write_batch<T: Load + Send>(
    tx: &mut T,
    mut batch: Batch,
    now: &str,
    held: Option<&mut Held>,
) -> Result<(), sqlx::Error> {
    let rows = &batch.rows;
    let replaced: Vec<&str> = rows
        .iter()
        .filter(|r| r.replaces)
        .map(|r| r.entity_ref.as_str())
        .collect();
    remove(tx, &replaced).await?;
    let entities: Vec<TextRow> = rows
        .iter()
        .map(|r| {
            [
                &r.entity_ref,
                &r.uid,
                &r.kind,
                &r.namespace,
                &r.name,
                &r.origin,
                &r.file,
                &r.etag,
                &r.body,
            ]
            .into_iter()
            .map(|v| Some(v.as_str()))
            .chain([
                Some(now),
                r.kind_spelled.as_deref(),
                r.name_spelled.as_deref(),
            ])
            .chain(r.values.iter().map(Option::as_deref))
            .collect()
        })
        .collect();
    let columns: Vec<&str> = [
        "entity_ref",
        "uid",
        "kind",
        "namespace",
        "name",
        "origin",
        "file",
        "etag",
        "body",
        "updated_at",
        "kind_spelled",
        "name_spelled",
    ]
    .into_iter()
    .chain(search::value_columns())
    .collect();
    tx.load("entities", &columns, &entities).await?;
    let search = std::mem::take(&mut batch.search);
    let relations = std::mem::take(&mut batch.relations);
    match held {
        Some(held) => held.hold(tx, search, relations).await?,
        None => {
            load_search(tx, &search).await?;
            load_relations(tx, &relations).await?;
        }
    }
    let texts: Vec<TextRow> = rows
        .iter()
        .zip(&batch.texts)
        .map(|(r, t)| vec![Some(r.entity_ref.as_str()), Some(t.as_str())])
        .collect();
    tx.load("entity_text", &["entity_ref", "text"], &texts)
        .await?;
    let grams: Vec<String> = batch.texts.iter().map(|t| super::grams::grams(t)).collect();
    let grams: Vec<TextRow> = rows
        .iter()
        .zip(&grams)
        .map(|(r, g)| vec![Some(r.entity_ref.as_str()), Some(g.as_str())])
        .collect();
    tx.load("entity_grams", &["entity_ref", "grams"], &grams)
        .await
}

/// Deletes the entities `refs` and every row derived from them.
pub(super) async fn remove<T: Load + Send>(tx: &mut T, refs: &[&str]) -> Result<(), sqlx::Error> {
    for (table, column) in super::DERIVED_ROWS
        .iter()
        .chain(&[("entities", "entity_ref")])
    {
        tx.delete_in(table, column, refs).await?;
    }
    Ok(())
}

/// Replaces the stored issues of `scope` with `issues`.
pub(super) async fn write_issues<T: Load + Send>(
    tx: &mut T,
    scope: &Scope,
    issues: &[Issue],
    now: &str,
) -> Result<(), sqlx::Error> {
    let (condition, binds) = scope.issue_condition();
    let binds: Vec<&str> = binds.iter().map(String::as_str).collect();
    tx.exec(
        &format!("DELETE FROM catalog.issues WHERE {condition}"),
        &binds,
    )
    .await?;
    let documents: Vec<Option<String>> = issues
        .iter()
        .map(|i| i.document.map(|d| d.to_string()))
        .collect();
    let rows: Vec<TextRow> = issues
        .iter()
        .zip(&documents)
        .map(|(issue, document)| {
            let level = if issue.level == Level::Error {
                "error"
            } else {
                "warning"
            };
            vec![
                Some(level),
                Some(issue.location.as_str()),
                Some(issue.file.as_str()),
                document.as_deref(),
                issue.entity_ref.as_deref(),
                Some(issue.message.as_str()),
                Some(now),
            ]
        })
        .collect();
    let columns = [
        "level",
        "location",
        "file",
        "document",
        "entity_ref",
        "message",
        "found_at",
    ];
    tx.load("issues", &columns, &rows).await
}

/// The entity as stored: relations, uid and etag are the catalog's, not part of the body.
fn stored_form(mut entity: Entity) -> Entity {
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
