//! Bulk loads: when one apply writes most of the catalog (the first ingest, or a change of the
//! stored form), the secondary indexes of the entities, search and relations tables are dropped
//! inside the apply's transaction and built again once at its end: one sort per index instead
//! of millions of random B-tree inserts. On PostgreSQL the trigram index goes too. The definitions
//! match the migrations (`migrations/catalog/*/`); a test compares the schema after a bulk load
//! with the migrated one.

use trellis_store::Db;

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

/// The indexes rebuilt; the entities' primary key and `uid` stay (the apply looks rows up by
/// them while it writes).
const INDEXES: &[Index] = &[
    index("entities", "entities_origin", "origin"),
    index("entities", "entities_kind", "kind, entity_ref"),
    index("entities", "entities_namespace", "namespace, entity_ref"),
    index("entities", "entities_name", "name, entity_ref"),
    index("entities", "entities_kind_name", "kind, name, entity_ref"),
    Index {
        postgres: Some("key, value) INCLUDE (original_value, entity_ref"),
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
    index("relations", "relations_target", "target_ref"),
    index("relations", "relations_emitted_by", "emitted_by"),
    index(
        "relations",
        "relations_type_target",
        "type, target_ref, source_ref, emitted_by",
    ),
];

/// PostgreSQL only: the trigram index of `entity_text`.
const TRIGRAM: (&str, &str) = (
    "DROP INDEX IF EXISTS catalog.entity_text_trgm",
    "CREATE INDEX entity_text_trgm ON catalog.entity_text USING gin (text gin_trgm_ops)",
);

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
        .chain(postgres.then(|| TRIGRAM.0.to_string()))
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

/// Statements creating them again (and restoring SQLite's page cache size).
pub fn create_statements(db: &Db) -> Vec<String> {
    let postgres = matches!(db, Db::Postgres(_));
    INDEXES
        .iter()
        .map(|i| match db {
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
        })
        .chain(postgres.then(|| TRIGRAM.1.to_string()))
        .chain((!postgres).then(|| "PRAGMA catalog.cache_size = -2000".to_string()))
        .collect()
}
