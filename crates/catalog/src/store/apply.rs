//! Applying a read to the stored catalog, in one transaction: new and changed entities are
//! written (with their search rows and the relations they emit), unchanged ones are left alone,
//! and stored entities their source really dropped are removed. Entities from a file that could
//! not be read, or from a location whose target could not be listed, are kept: a broken file
//! must not empty the catalog.
//!
//! The read arrives as a stream of batches ([`ReadMessage`]) and each batch is written as it
//! comes, so a catalog of any size is never held in memory as a whole, and reading overlaps
//! writing (a bulk load on PostgreSQL holds back its search rows, up to a bound, to write them
//! sorted at its end: see `bulk.rs`). An apply owns one [`Scope`] of the catalog (the registered
//! locations, or one provider such as the LDAP org sync) and never touches entities or issues of
//! another scope.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use tokio::sync::mpsc;
use trellis_store::{with_pool, Db, StoreError, StoreResult};

use super::bulk;
use super::load::Load;
use super::write::{remove, write_batch, write_issues, Batch, Stage, Stored};
use crate::read::{read_locations_into, CatalogRead, Level, LocationSpec, ReadEntity, ReadOptions};

/// Serializes applies to SQLite databases (see [`apply_stream`]).
static SQLITE_APPLIES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Origins of entities written by providers start with this (`provider:ldap-org:default`).
pub const PROVIDER_ORIGIN: &str = "provider:";

/// What an apply changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RefreshSummary))]
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
    /// Errors found while reading (entities or files not taken).
    pub errors: usize,
    /// Warnings found while reading.
    pub warnings: usize,
}

/// The part of the catalog an apply owns.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Everything read from locations; the set holds the registered location keys (entities of
    /// a registered location whose read failed are kept).
    Locations(BTreeSet<String>),
    /// Everything one provider wrote: its origin, `provider:<name>`.
    Provider(String),
    /// What one file of a registered location defines (an entity's refresh): the location's
    /// key and the file's path.
    File {
        /// The registered location (`file:<target>`).
        origin: String,
        /// The file.
        file: String,
    },
}

impl Scope {
    /// Whether stored entities and issues with this origin belong to the scope.
    pub fn owns(&self, origin: &str) -> bool {
        match self {
            Scope::Locations(_) => !origin.starts_with(PROVIDER_ORIGIN),
            Scope::Provider(own) => origin == own,
            Scope::File { origin: own, .. } => origin == own,
        }
    }

    /// Whether a stored entity from `origin` and `file` belongs to the scope.
    pub fn owns_row(&self, origin: &str, file: &str) -> bool {
        match self {
            Scope::File { file: own, .. } => self.owns(origin) && file == own,
            _ => self.owns(origin),
        }
    }

    /// SQL condition on `catalog.issues` selecting this scope's issues, and its binds.
    pub(super) fn issue_condition(&self) -> (&'static str, Vec<String>) {
        match self {
            Scope::Locations(_) => ("location NOT LIKE $1", vec![format!("{PROVIDER_ORIGIN}%")]),
            Scope::Provider(own) => ("location = $1", vec![own.clone()]),
            Scope::File { origin, file } => (
                "location = $1 AND file = $2",
                vec![origin.clone(), file.clone()],
            ),
        }
    }
}

/// One message of a streamed read.
#[derive(Debug)]
pub enum ReadMessage {
    /// How many entities the read will hold, when the source knows (sent first): lets a big
    /// load switch to bulk mode from its first batch instead of after thousands of entities.
    Expect(usize),
    /// The next entities read.
    Entities(Vec<ReadEntity>),
    /// The read is complete: its issues, unreadable files and incomplete origins (`entities`
    /// is not used). A stream that ends without this is a failed read and applies nothing.
    Done(CatalogRead),
}

/// Entities per streamed batch.
const BATCH: usize = 500;

/// Reads `locations` on a blocking thread, streaming what it reads (for [`apply_stream`]).
pub fn stream_locations(
    locations: Vec<LocationSpec>,
    options: ReadOptions,
) -> mpsc::Receiver<ReadMessage> {
    let (tx, rx) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH);
        let mut open = true;
        let mut read = read_locations_into(&locations, &options, &mut |entity| {
            batch.push(entity);
            if batch.len() == BATCH && open {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                open = tx.blocking_send(ReadMessage::Entities(full)).is_ok();
            }
        });
        read.entities.clear();
        if open && tx.blocking_send(ReadMessage::Entities(batch)).is_ok() {
            let _ = tx.blocking_send(ReadMessage::Done(read));
        }
    });
    rx
}

/// Stores a complete read of `registered` locations (see [`apply_stream`]).
pub async fn apply_read(
    db: &Db,
    read: &CatalogRead,
    registered: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> StoreResult<ApplySummary> {
    let (tx, rx) = mpsc::channel(1);
    let mut tail = read.clone();
    let entities = std::mem::take(&mut tail.entities);
    tokio::spawn(async move {
        if tx.send(ReadMessage::Entities(entities)).await.is_ok() {
            let _ = tx.send(ReadMessage::Done(tail)).await;
        }
    });
    apply_stream(db, rx, &Scope::Locations(registered.clone()), now).await
}

/// Stores the streamed read as the content of `scope`, in one transaction.
pub async fn apply_stream(
    db: &Db,
    read: mpsc::Receiver<ReadMessage>,
    scope: &Scope,
    now: DateTime<Utc>,
) -> StoreResult<ApplySummary> {
    // Applies run one at a time, and each reads the stored rows it diffs against only once it
    // holds the writers' lock, so two applies (a refresh-all and an entity's file refresh, say)
    // never both decide to add the same entity. On PostgreSQL the lock is the transaction's
    // advisory lock (across replicas); SQLite is one process's, so an in-process lock does it
    // without waiting on the file lock's busy timeout.
    let _sqlite_writer = match db {
        Db::Sqlite(_) => Some(SQLITE_APPLIES.lock().await),
        Db::Postgres(_) => None,
    };
    let now_text = now.to_rfc3339_opts(SecondsFormat::Micros, false);
    let (stage, bulk_mode) = with_pool!(db, pool => {
        let mut conn = pool.acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        if matches!(db, Db::Postgres(_)) {
            tx.exec(super::LOCK_WRITES, &[]).await?;
        }
        let rows: Vec<(String, String, String, String, String)> =
            sqlx::query_as("SELECT entity_ref, uid, etag, origin, file FROM catalog.entities")
                .fetch_all(&mut *tx)
                .await?;
        let stored: HashMap<String, Stored> = rows
            .into_iter()
            .map(|(r, uid, etag, origin, file)| (r, Stored { uid, etag, origin, file }))
            .collect();
        let in_scope = stored
            .values()
            .filter(|s| scope.owns_row(&s.origin, &s.file))
            .count();
        let stored = Arc::new(stored);
        let mut prepared = prepare(
            Stage {
                stored: stored.clone(),
                scope: scope.clone(),
                seen: Default::default(),
                summary: ApplySummary::default(),
                conflicts: Vec::new(),
            },
            read,
        );
        let mut bulk_mode = false;
        let mut held = bulk::Held::default();
        let mut expected = None;
        let (mut stage, tail) = loop {
            match prepared.recv().await {
                Some(Prepared::Expect(n)) => expected = Some(n),
                Some(Prepared::Batch(batch, writes, seen)) => {
                    // Writes expected in all: those so far, or extrapolated from the share of
                    // entities written so far when the source said how many it holds.
                    let estimate = expected.map_or(writes, |n| writes.max(n * writes / seen.max(1)));
                    if !bulk_mode && bulk::worth_it(estimate, stored.len()) {
                        // Most of the catalog is being written: stop maintaining the secondary
                        // indexes row by row and build them once at the end.
                        bulk_mode = true;
                        for sql in bulk::drop_statements(db) {
                            tx.exec(&sql, &[]).await?;
                        }
                    }
                    // Held rows pay off on PostgreSQL only (its sort spots sorted input).
                    let hold = bulk_mode && matches!(db, Db::Postgres(_));
                    write_batch(&mut tx, batch, &now_text, hold.then_some(&mut held)).await?;
                }
                Some(Prepared::Done(stage, tail)) => break (*stage, tail),
                Some(Prepared::Failed(e)) => return Err(e),
                None => {
                    return Err(StoreError::Invalid {
                        field: "read",
                        reason: "the read stopped before its end; nothing was changed".into(),
                    })
                }
            }
        };
        let removals = removals(&stored, &stage, &tail);
        stage.summary.kept = in_scope
            .saturating_sub(stage.summary.unchanged + stage.summary.changed + removals.len());
        stage.summary.removed = removals.len();
        remove(&mut tx, &removals).await?;
        let mut issues = tail.issues;
        issues.append(&mut stage.conflicts);
        stage.summary.errors = issues.iter().filter(|i| i.level == Level::Error).count();
        stage.summary.warnings = issues.len() - stage.summary.errors;
        write_issues(&mut tx, scope, &issues, &now_text).await?;
        if bulk_mode {
            bulk::rebuild(&mut tx, db, held).await?;
        }
        if stage.writes() + removals.len() > 1000 {
            // Large changes shift the planner's picture of the tables: refresh its statistics
            // before the new rows become visible, so the first queries on them plan well.
            for sql in analyze_statements(db, bulk_mode) {
                tx.exec(sql, &[]).await?;
            }
        }
        tx.commit().await?;
        if bulk_mode {
            // A bulk load's connection is not reused: the memory its page cache and index
            // sorts grew to (SQLite: 64 MB of cache; its own worker thread, which then idles
            // and so never hands freed memory back to the OS) goes with it.
            conn.close_on_drop();
        }
        (stage, bulk_mode)
    });
    if let (true, Db::Postgres(pool)) = (bulk_mode, db) {
        // Mark the freshly loaded pages all-visible, so queries can answer from indexes alone
        // (index-only scans), and take the planner's statistics from the full sample, without
        // waiting for autovacuum to get there. The load is visible already, so this runs in the
        // background (queries in the meantime plan with the quick statistics taken before the
        // commit); if it fails, autovacuum does it later.
        let pool = pool.clone();
        tokio::spawn(async move {
            let vacuum = "VACUUM (ANALYZE) catalog.entities, catalog.search, catalog.relations, \
                          catalog.entity_text, catalog.entity_grams";
            if let Err(e) = sqlx::query(vacuum).execute(&pool).await {
                tracing::warn!(error = %e, "VACUUM after a bulk load failed");
            }
        });
    }
    let summary = stage.summary;
    tracing::info!(
        added = summary.added,
        changed = summary.changed,
        removed = summary.removed,
        kept = summary.kept,
        errors = summary.errors,
        "catalog applied"
    );
    Ok(summary)
}

/// What the preparing thread hands to the writer.
enum Prepared {
    /// The source's announced size.
    Expect(usize),
    /// Rows of one batch, the entities to write so far, and the entities read so far.
    Batch(Batch, usize, usize),
    /// The read ended: the stage's totals and the read's tail.
    Done(Box<Stage>, CatalogRead),
    /// An entity could not be prepared.
    Failed(StoreError),
}

/// Turns read batches into rows on a blocking thread, while the previous batch is written.
fn prepare(mut stage: Stage, mut read: mpsc::Receiver<ReadMessage>) -> mpsc::Receiver<Prepared> {
    let (tx, rx) = mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        while let Some(message) = read.blocking_recv() {
            let next = match message {
                ReadMessage::Expect(n) => Prepared::Expect(n),
                ReadMessage::Entities(batch) => match stage.prepare(batch) {
                    Ok(batch) => Prepared::Batch(batch, stage.writes(), stage.seen.len()),
                    Err(e) => Prepared::Failed(e),
                },
                ReadMessage::Done(tail) => {
                    let _ = tx.blocking_send(Prepared::Done(Box::new(stage), tail));
                    return;
                }
            };
            if tx.blocking_send(next).is_err() {
                return;
            }
        }
        // The read ended without its `Done`: dropping `tx` tells the writer so.
    });
    rx
}

/// Statements refreshing the planner's statistics of the catalog tables.
fn analyze_statements(db: &Db, bulk_mode: bool) -> &'static [&'static str] {
    match (db, bulk_mode) {
        // A sample is enough for the planner and much faster than reading every row.
        (Db::Sqlite(_), _) => &["PRAGMA analysis_limit = 1000", "ANALYZE catalog"],
        // After a bulk load, a tenth of the usual sample (≈ 9x faster: 1.3 -> 0.15 s at 100,000
        // entities); the VACUUM after the commit analyzes again with the full sample.
        (Db::Postgres(_), true) => &[
            "SET LOCAL default_statistics_target = 10",
            "ANALYZE catalog.entities, catalog.search, catalog.relations",
        ],
        (Db::Postgres(_), false) => {
            &["ANALYZE catalog.entities, catalog.search, catalog.relations"]
        }
    }
}

/// Stored entities of the scope that the read did not produce and whose source did not fail.
fn removals<'a>(
    stored: &'a HashMap<String, Stored>,
    stage: &Stage,
    tail: &CatalogRead,
) -> Vec<&'a str> {
    let registered = match &stage.scope {
        Scope::Locations(registered) => Some(registered),
        Scope::Provider(_) | Scope::File { .. } => None,
    };
    stored
        .iter()
        .filter(|(entity_ref, s)| {
            stage.scope.owns_row(&s.origin, &s.file) && !stage.seen.contains(*entity_ref)
        })
        .filter(|(entity_ref, s)| {
            let failed = tail.incomplete_origins.contains(&s.origin)
                || tail.unreadable_files.contains(&s.file)
                || tail.failed_entities.contains(entity_ref.as_str());
            let registered = registered.is_none_or(|r| r.contains(&s.origin));
            !(registered && failed)
        })
        .map(|(entity_ref, _)| entity_ref.as_str())
        .collect()
}
