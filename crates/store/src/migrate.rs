//! Migrations, one set per plugin and backend under `migrations/<plugin>/<backend>/`.
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

/// The migrators of every plugin that has migrations, for one backend.
fn migrators(backend: Backend) -> Vec<(&'static str, Migrator)> {
    let sets = match backend {
        Backend::Sqlite => vec![
            ("core", sqlx::migrate!("../../migrations/core/sqlite")),
            ("catalog", sqlx::migrate!("../../migrations/catalog/sqlite")),
            ("audit", sqlx::migrate!("../../migrations/audit/sqlite")),
        ],
        Backend::Postgres => vec![
            ("core", sqlx::migrate!("../../migrations/core/postgres")),
            (
                "catalog",
                sqlx::migrate!("../../migrations/catalog/postgres"),
            ),
            ("audit", sqlx::migrate!("../../migrations/audit/postgres")),
        ],
    };
    sets.into_iter()
        .map(|(plugin, mut migrator)| {
            migrator.set_ignore_missing(true);
            (plugin, migrator)
        })
        .collect()
}

impl Db {
    /// Creates the plugin schemas and applies every pending migration. Idempotent.
    pub async fn migrate(&self) -> StoreResult<MigrationStatus> {
        if let Db::Postgres(pool) = self {
            for plugin in PLUGINS {
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{plugin}\""))
                    .execute(pool)
                    .await?;
            }
        }
        for (plugin, migrator) in migrators(self.backend()) {
            tracing::debug!(plugin, "applying migrations");
            with_pool!(self, pool => migrator.run(pool).await)?;
        }
        self.migration_status().await
    }

    /// Counts applied and pending migrations without changing anything.
    pub async fn migration_status(&self) -> StoreResult<MigrationStatus> {
        let known: BTreeSet<i64> = migrators(self.backend())
            .iter()
            .flat_map(|(_, m)| m.iter().map(|mig| mig.version))
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
