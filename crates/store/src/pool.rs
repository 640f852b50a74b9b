//! Opening pools. SQLite: one main file plus one attached file per plugin, in WAL mode. PostgreSQL:
//! a plain pool; the plugin schemas are created by the migrations step.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, Executor, PgPool, SqlitePool};

use crate::db::{redact_url, DbOptions, PLUGINS};
use crate::error::{StoreError, StoreResult};

/// The file that holds `plugin`'s tables next to the main SQLite file `main`:
/// `data/trellis.db` → `data/trellis.catalog.db`.
pub(crate) fn plugin_file(main: &Path, plugin: &str) -> PathBuf {
    let stem = main
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    main.with_file_name(format!("{stem}.{plugin}.db"))
}

/// A connection idle for longer than this is pinged before it is handed out, so one the
/// server dropped meanwhile is replaced rather than failing a request.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

/// Pool settings shared by both engines. sqlx pings every idle connection before handing it
/// out by default: one more round trip per statement (about 0.5 ms on loopback here, as much as
/// the statement), so only connections idle for over [`PING_AFTER_IDLE`] are pinged, the custom
/// test sqlx documents for `before_acquire`.
fn pool_options<DB: sqlx::Database>(options: &DbOptions) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(|conn: &mut DB::Connection, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

pub(crate) async fn connect_sqlite(url: &str, options: &DbOptions) -> StoreResult<SqlitePool> {
    let connect = SqliteConnectOptions::from_str(url)
        .map_err(|_| StoreError::UnsupportedUrl(redact_url(url)))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5));
    let main = connect.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:") || main.as_os_str().is_empty();
    if in_memory {
        return Err(StoreError::Invalid {
            field: "database.url",
            reason: "in-memory SQLite is not supported: each plugin schema needs a file".into(),
        });
    }
    if let Some(dir) = main.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let attachments: Vec<(String, String)> = PLUGINS
        .iter()
        .map(|plugin| {
            (
                plugin.to_string(),
                plugin_file(&main, plugin).display().to_string(),
            )
        })
        .collect();
    let pool = pool_options::<sqlx::Sqlite>(options)
        .after_connect(move |conn, _meta| {
            let attachments = attachments.clone();
            Box::pin(async move {
                for (schema, file) in &attachments {
                    sqlx::query(&format!("ATTACH DATABASE $1 AS \"{schema}\""))
                        .bind(file)
                        .execute(&mut *conn)
                        .await?;
                    conn.execute(format!("PRAGMA \"{schema}\".journal_mode = WAL").as_str())
                        .await?;
                    conn.execute(format!("PRAGMA \"{schema}\".synchronous = NORMAL").as_str())
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(connect)
        .await?;
    Ok(pool)
}

pub(crate) async fn connect_postgres(url: &str, options: &DbOptions) -> StoreResult<PgPool> {
    let connect = PgConnectOptions::from_str(url)
        .map_err(|_| StoreError::UnsupportedUrl(redact_url(url)))?
        .application_name("trellis")
        // Catalog data is skewed (one team owns thousands of entities, most own tens): a plan
        // cached for "average" parameters can be 50x slower for the big ones, so every
        // statement is planned for its own parameters (planning costs well under a millisecond).
        .options([("plan_cache_mode", "force_custom_plan")]);
    let pool = pool_options::<sqlx::Postgres>(options)
        .connect_with(connect)
        .await?;
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_files_sit_beside_the_main_file() {
        assert_eq!(
            plugin_file(Path::new("data/trellis.db"), "catalog"),
            PathBuf::from("data/trellis.catalog.db")
        );
        assert_eq!(
            plugin_file(Path::new("x"), "core"),
            PathBuf::from("x.core.db")
        );
    }
}
