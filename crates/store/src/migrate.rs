//! Migrations: one set per plugin and backend, owned by the plugin's crate
//! (`<crate>/migrations/{sqlite,postgres}/`).
//!
//! Each plugin's set is a sqlx [`Migrator`]; all sets share sqlx's `_sqlx_migrations` table, so
//! versions are globally unique timestamps and each migrator ignores the others' rows. On
//! PostgreSQL sqlx holds an advisory lock while migrating, so replicas starting together apply
//! each migration once.

use std::collections::BTreeSet;

use serde::Serialize;
use sqlx::migrate::Migrator;
use sqlx::Row;

use crate::db::{Backend, Db, PLUGINS};
use crate::error::StoreResult;
use crate::with_pool;

/// Where the schema stands against the migrations this build knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationStatus {
    /// Known migrations that are applied.
    pub applied: usize,
    /// Known migrations not yet applied.
    pub pending: usize,
}

impl MigrationStatus {
    /// True when nothing is pending.
    pub fn is_current(&self) -> bool {
        self.pending == 0
    }
}

/// One plugin's migrations: its schema and its sets for each engine, embedded by
/// `sqlx::migrate!` from the plugin crate's own `migrations/{sqlite,postgres}` folders.
#[derive(Debug)]
pub struct Migrations {
    /// The plugin's logical schema.
    pub schema: &'static str,
    /// For SQLite (`|| sqlx::migrate!("migrations/sqlite")`).
    pub sqlite: fn() -> Migrator,
    /// For PostgreSQL.
    pub postgres: fn() -> Migrator,
}

impl Migrations {
    fn migrator(&self, backend: Backend) -> Migrator {
        let mut migrator = match backend {
            Backend::Sqlite => (self.sqlite)(),
            Backend::Postgres => (self.postgres)(),
        };
        // All sets share `_sqlx_migrations`: each ignores the others' rows.
        migrator.set_ignore_missing(true);
        migrator
    }
}

/// The platform's own tables (`core`: job runs, leases).
pub static CORE: Migrations = Migrations {
    schema: "core",
    sqlite: || sqlx::migrate!("migrations/sqlite"),
    postgres: || sqlx::migrate!("migrations/postgres"),
};

impl Db {
    /// Creates the plugin schemas and applies every pending migration of `sets` (in order).
    /// Idempotent.
    pub async fn migrate(&self, sets: &[&Migrations]) -> StoreResult<MigrationStatus> {
        if let Db::Postgres(pool) = self {
            for plugin in PLUGINS {
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{plugin}\""))
                    .execute(pool)
                    .await?;
            }
        }
        for set in sets {
            tracing::debug!(plugin = set.schema, "applying migrations");
            let migrator = set.migrator(self.backend());
            with_pool!(self, pool => migrator.run(pool).await)?;
        }
        self.migration_status(sets).await
    }

    /// Counts applied and pending migrations of `sets` without changing anything.
    pub async fn migration_status(&self, sets: &[&Migrations]) -> StoreResult<MigrationStatus> {
        let known: BTreeSet<i64> = sets
            .iter()
            .flat_map(|set| {
                set.migrator(self.backend())
                    .iter()
                    .map(|m| m.version)
                    .collect::<Vec<_>>()
            })
            .collect();
        let table_exists = match self {
            Db::Sqlite(pool) => sqlx::query(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_optional(pool)
            .await?
            .is_some(),
            Db::Postgres(pool) => {
                sqlx::query("SELECT 1 FROM pg_tables WHERE tablename = '_sqlx_migrations' AND schemaname = current_schema()")
                    .fetch_optional(pool)
                    .await?
                    .is_some()
            }
        };
        let applied: BTreeSet<i64> = if table_exists {
            with_pool!(self, pool => {
                sqlx::query("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|row| row.try_get::<i64, _>("version"))
                    .collect::<Result<_, _>>()?
            })
        } else {
            BTreeSet::new()
        };
        let done = known.intersection(&applied).count();
        Ok(MigrationStatus {
            applied: done,
            pending: known.len() - done,
        })
    }
}
