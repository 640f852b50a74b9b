//! Bulk loads: when one apply writes most of the catalog (the first ingest, or a change of the
//! stored form), the secondary indexes of the entities, search and relations tables are dropped
//! inside the apply's transaction and built again once at its end: one sort per index instead
//! of millions of random B-tree inserts. On PostgreSQL the trigram index and the entities' `uid`
//! unique index go too, and the search rows and relations are held back and written last,
//! sorted in the order of their main index ([`Held`]). The definitions match the migrations
//! (`migrations/catalog/*/`); a test compares the schema after a bulk load with the migrated
//! one.

use trellis_store::{Db, StoreError, StoreResult};

use super::load::{load_relations, load_search, Load};
use super::search::index_order;
use super::write::{EntitySearchRow, RelationRow};

/// Entities written in one apply from which bulk mode is worth it.
pub const BULK_MIN: usize = 5_000;

/// One index rebuilt by bulk loads.
struct Index {
    table: &'static str,
    name: &'static str,
    columns: &'static str,
    /// PostgreSQL's definition where it differs (`INCLUDE`, which SQLite lacks).
    postgres: Option<&'static str>,
}

const fn index(table: &'static str, name: &'static str, columns: &'static str) -> Index {
    Index {
        table,
        name,
        columns,
        postgres: None,
    }
}

/// The indexes rebuilt; the entities' primary key stays (the apply deletes the rows it replaces
/// by it while it writes).
const INDEXES: &[Index] = &[
    index("entities", "entities_origin", "origin"),
    index("entities", "entities_kind", "kind, entity_ref"),
    index("entities", "entities_kind_spelled", "kind, kind_spelled"),
    index("entities", "entities_namespace", "namespace, entity_ref"),
    Index {
        postgres: Some("name, entity_ref) INCLUDE (name_spelled"),
        ..index(
            "entities",
            "entities_name",
            "name, entity_ref, name_spelled",
        )
    },
    index("entities", "entities_kind_name", "kind, name, entity_ref"),
    index(
        "entities",
        "entities_origin_location",
        "managed_by_origin_location",
    ),
    Index {
        postgres: Some("key, value, original_value) INCLUDE (entity_ref"),
        ..index(
            "search",
            "search_key_value",
            "key, value, original_value, entity_ref",
        )
    },
    index("search", "search_entity", "entity_ref"),
    index(
        "relations",
        "relations_source",
        "source_ref, type, target_ref",
    ),
    index("relations", "relations_emitted_by", "emitted_by"),
    index(
        "relations",
        "relations_type_target",
        "type, target_ref, source_ref, emitted_by",
    ),
];

/// PostgreSQL only, as `(drop, create)`: the trigram index of `entity_text`, the GIN index of
/// `entity_grams`, and the unique index of the entities' `uid` (nothing reads it during an
/// apply; random UUIDs make its row by row upkeep costly). SQLite cannot drop the index of a
/// `UNIQUE` column.
const POSTGRES_ONLY: [(&str, &str); 3] = [
    (
        "DROP INDEX IF EXISTS catalog.entity_text_trgm",
        "CREATE INDEX entity_text_trgm ON catalog.entity_text USING gin (text gin_trgm_ops)",
    ),
    (
        "DROP INDEX IF EXISTS catalog.entity_grams_words",
        "CREATE INDEX entity_grams_words ON catalog.entity_grams USING gin (grams)",
    ),
    (
        "ALTER TABLE catalog.entities DROP CONSTRAINT entities_uid_key",
        "ALTER TABLE catalog.entities ADD CONSTRAINT entities_uid_key UNIQUE (uid)",
    ),
];

/// PostgreSQL only: a bulk load turns off the triggers keeping `gram_counts` (each of its
/// statements would update the same few hundred counts again: +7 s at 100k entities) and counts
/// every gram once at its end (~1 s).
const GRAM_COUNTS_OFF: &str = "ALTER TABLE catalog.entity_grams DISABLE TRIGGER USER";
const GRAM_COUNTS_AGAIN: [&str; 3] = [
    "ALTER TABLE catalog.entity_grams ENABLE TRIGGER USER",
    "DELETE FROM catalog.gram_counts",
    "INSERT INTO catalog.gram_counts (gram, n) SELECT w.lexeme, count(*) \
     FROM catalog.entity_grams g, unnest(g.grams) AS w GROUP BY w.lexeme",
];

/// Whether an apply writing `writes` entities onto `existing` ones should load in bulk.
pub fn worth_it(writes: usize, existing: usize) -> bool {
    writes >= BULK_MIN && writes * 2 >= existing
}

/// Statements dropping the indexes.
pub fn drop_statements(db: &Db) -> Vec<String> {
    let postgres = matches!(db, Db::Postgres(_));
    INDEXES
        .iter()
        .map(|i| format!("DROP INDEX IF EXISTS catalog.{}", i.name))
        .chain(
            POSTGRES_ONLY
                .iter()
                .filter(|_| postgres)
                .map(|(drop, _)| drop.to_string()),
        )
        .chain(postgres.then(|| GRAM_COUNTS_OFF.to_string()))
        .chain([match db {
            // Index builds sort in memory up to this much, then spill.
            Db::Postgres(_) => "SET LOCAL maintenance_work_mem = '256MB'",
            // A big transaction spills out of SQLite's default 2 MB page cache into the WAL and
            // reads it back; give the loading connection 64 MB until the load ends.
            Db::Sqlite(_) => "PRAGMA catalog.cache_size = -65536",
        }
        .to_string()])
        .collect()
}

/// Statements creating them again, in the order [`rebuild`] runs them.
pub struct Creates {
    /// The entities' and full-text indexes (built while the held rows are sorted).
    pub entities: Vec<String>,
    /// The relations' indexes, once the held relations are in.
    pub relations: Vec<String>,
    /// The search table's, once the held search rows are in (and SQLite's page cache size
    /// restored).
    pub search: Vec<String>,
}

/// The statements creating the dropped indexes again.
pub fn create_statements(db: &Db) -> Creates {
    let postgres = matches!(db, Db::Postgres(_));
    let create = |i: &Index| match db {
        Db::Sqlite(_) => format!(
            "CREATE INDEX catalog.{} ON {} ({})",
            i.name, i.table, i.columns
        ),
        Db::Postgres(_) => format!(
            "CREATE INDEX {} ON catalog.{} ({})",
            i.name,
            i.table,
            i.postgres.unwrap_or(i.columns)
        ),
    };
    let of = |table: &str| -> Vec<String> {
        INDEXES
            .iter()
            .filter(|i| i.table == table)
            .map(create)
            .collect()
    };
    Creates {
        entities: of("entities")
            .into_iter()
            .chain(
                POSTGRES_ONLY
                    .iter()
                    .filter(|_| postgres)
                    .map(|(_, create)| create.to_string()),
            )
            .chain(
                GRAM_COUNTS_AGAIN
                    .iter()
                    .filter(|_| postgres)
                    .map(|sql| sql.to_string()),
            )
            .collect(),
        relations: of("relations"),
        search: of("search")
            .into_iter()
            .chain((!postgres).then(|| "PRAGMA catalog.cache_size = -2000".to_string()))
            .collect(),
    }
}

/// Ends a bulk load: builds the dropped indexes again, writing the held relations and search
/// rows (sorted meanwhile on blocking threads) before their tables' own indexes.
pub(super) async fn rebuild<T: Load + Send>(tx: &mut T, db: &Db, held: Held) -> StoreResult<()> {
    let failed = |e: tokio::task::JoinError| StoreError::Invalid {
        field: "bulk load",
        reason: format!("sorting the held rows failed: {e}"),
    };
    let postgres = matches!(db, Db::Postgres(_));
    let (search_sorting, relations_sorting) = held.sorted();
    let creates = create_statements(db);
    for sql in creates.entities {
        tx.exec(&sql, &[]).await?;
    }
    let relations = relations_sorting.await.map_err(failed)?;
    if postgres && !relations.is_empty() {
        tx.exec(&truncate_if_empty("relations"), &[]).await?;
    }
    load_relations(tx, &relations).await?;
    drop(relations);
    for sql in creates.relations {
        tx.exec(&sql, &[]).await?;
    }
    let rows = search_sorting.await.map_err(failed)?;
    if postgres && !rows.is_empty() {
        tx.exec(&truncate_if_empty("search"), &[]).await?;
    }
    load_search(tx, &rows).await?;
    drop(rows);
    for sql in creates.search {
        tx.exec(&sql, &[]).await?;
    }
    Ok(())
}

/// PostgreSQL only: when `catalog.<table>` is empty (a first load), it is truncated before the
/// held rows go in. A table truncated in the same transaction gets fresh pages that `COPY`
/// fills strictly in order, without the free-space map placing short rows in earlier pages'
/// leftover space; the index build then finds its input sorted. The apply holds the table's
/// exclusive lock since it dropped the indexes, so the check sees every committed row and
/// nobody can add one; only an empty table is truncated.
fn truncate_if_empty(table: &str) -> String {
    format!(
        "DO $$ BEGIN \
         IF NOT EXISTS (SELECT 1 FROM catalog.{table}) THEN TRUNCATE catalog.{table}; END IF; \
         END $$"
    )
}

/// Rows (search rows and relations) a bulk load holds back at most (≈ 200 bytes each in
/// memory); a load with more writes them as they come.
const HOLD_MAX: usize = 300_000;

/// The search rows and relations of a bulk load, held back to be written at its end sorted in
/// the order of their tables' largest index: search rows by `(key, value, original_value)`,
/// relations by `(type, target_ref, source_ref, emitted_by)`. PostgreSQL's sort checks for
/// presorted input, so building those indexes then costs little more than writing them.
#[derive(Default)]
pub(super) struct Held {
    search: Vec<EntitySearchRow>,
    relations: Vec<RelationRow>,
    /// Whether the rows outgrew [`HOLD_MAX`] and are written as they come.
    spilled: bool,
}

impl Held {
    /// Takes a batch's search rows and relations (written at once after an overflow).
    pub async fn hold<T: Load + Send>(
        &mut self,
        tx: &mut T,
        search: Vec<EntitySearchRow>,
        relations: Vec<RelationRow>,
    ) -> Result<(), sqlx::Error> {
        if self.spilled {
            load_search(tx, &search).await?;
            return load_relations(tx, &relations).await;
        }
        self.search.extend(search);
        self.relations.extend(relations);
        if self.search.len() + self.relations.len() > HOLD_MAX {
            self.spilled = true;
            load_search(tx, &std::mem::take(&mut self.search)).await?;
            load_relations(tx, &std::mem::take(&mut self.relations)).await?;
        }
        Ok(())
    }

    /// Sorts what is held into index order on blocking threads (the apply builds the other
    /// tables' indexes meanwhile): the search rows, and the relations.
    pub fn sorted(
        self,
    ) -> (
        tokio::task::JoinHandle<Vec<EntitySearchRow>>,
        tokio::task::JoinHandle<Vec<RelationRow>>,
    ) {
        let (mut search, mut relations) = (self.search, self.relations);
        (
            tokio::task::spawn_blocking(move || {
                search.sort_by(|a, b| index_order(&a.1, &b.1));
                search
            }),
            tokio::task::spawn_blocking(move || {
                // Byte order of (type, target_ref, source_ref, emitted_by): every column is
                // `COLLATE "C"` and NOT NULL.
                relations.sort_by(|a, b| (a.1, &a.2, &a.0, &a.3).cmp(&(b.1, &b.2, &b.0, &b.3)));
                relations
            }),
        )
    }
}
