//! The Trellis software catalog, server side.
//!
//! [`read`] turns registered locations (files, globs, directories, and the `Location` entities
//! found in them) into validated entities with their relations, plus a list of per-file and
//! per-entity errors: one bad document never blocks the others. Storing the result and serving
//! it through Backstage's catalog API build on this.

pub mod read;

pub use read::{
    read_file, read_locations, read_locations_into, CatalogRead, FileRoots, Issue, Level,
    LocationSpec, ReadEntity, ReadOptions,
};
pub mod store;

/// The catalog's tables (`catalog.*`), from this crate's `migrations/`.
pub static MIGRATIONS: trellis_store::Migrations = trellis_store::Migrations {
    schema: "catalog",
    sqlite: || sqlx::migrate!("migrations/sqlite"),
    postgres: || sqlx::migrate!("migrations/postgres"),
};

/// Applies the platform's and the catalog's migrations (what the catalog needs to run alone,
/// as its tests and tools do).
pub async fn migrate(
    db: &trellis_store::Db,
) -> trellis_store::StoreResult<trellis_store::MigrationStatus> {
    db.migrate(&[&trellis_store::CORE, &MIGRATIONS]).await
}
