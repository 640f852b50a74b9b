//! Trellis persistence.
//!
//! One [`Db`] handle over either an embedded SQLite file (the default) or PostgreSQL (production).
//! Each plugin owns a logical schema of the same name (`core`, `catalog`, `auth`, `compute`,
//! `integrations`, `personal`): a PostgreSQL schema, or on SQLite a database file attached under that name. So
//! the same schema-qualified SQL (`core.job_runs`) runs on both, and a plugin's tables never mix
//! with another's.

mod db;
mod error;
pub mod jobs;
pub mod leases;
mod migrate;
mod pool;

pub use db::{redact_url, Backend, Db, DbOptions, PLUGINS};
pub use error::{StoreError, StoreResult};
pub use migrate::{MigrationStatus, Migrations, CORE};
