//! Bulk loads: when one apply writes most of the catalog (the first ingest, or a change of the
//! stored form), the secondary indexes of the search and relations tables are dropped inside
//! the apply's transaction and built again once at its end: one sort per index instead of
//! millions of random B-tree inserts. On PostgreSQL the trigram index goes too. The definitions
//! match the migrations (`migrations/catalog/*/`); a test compares the schema after a bulk load
//! with the migrated one.

use trellis_store::Db;

/// Entities written in one apply from which bulk mode is worth it.
pub const BULK_MIN: usize = 5_000;

/// `(index, columns)` of the indexes rebuilt, by table.
const INDEXES: &[(&str, &str, &str)] = &[
    (
        "search",
        "search_key_value",
        "key, value, original_value, entity_ref",
    ),
    ("search", "search_entity", "entity_ref"),
    (
        "relations",
        "relations_source",
        "source_ref, type, target_ref",
    ),
    ("relations", "relations_target", "target_ref"),
    ("relations", "relations_emitted_by", "emitted_by"),
    (
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
        .map(|(_, name, _)| format!("DROP INDEX IF EXISTS catalog.{name}"))
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
        .map(|(table, name, columns)| match db {
            Db::Sqlite(_) => format!("CREATE INDEX catalog.{name} ON {table} ({columns})"),
            Db::Postgres(_) => format!("CREATE INDEX {name} ON catalog.{table} ({columns})"),
        })
        .chain(postgres.then(|| TRIGRAM.1.to_string()))
        .chain((!postgres).then(|| "PRAGMA catalog.cache_size = -2000".to_string()))
        .collect()
}
