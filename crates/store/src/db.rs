//! The database handle and the per-backend dispatch used by every store module.

use std::time::Duration;

use sqlx::{PgPool, SqlitePool};

use crate::error::{StoreError, StoreResult};

/// The plugins that own a logical schema, in migration order.
pub const PLUGINS: &[&str] = &[
    "core",
    "catalog",
    "auth",
    "audit",
    "compute",
    "integrations",
    "personal",
];

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Lower-case name, as shown in health reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Pool settings.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// How long a query waits for a free connection before failing.
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// A connection pool on SQLite or PostgreSQL. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    /// Embedded SQLite, plugin schemas attached as separate files.
    Sqlite(SqlitePool),
    /// PostgreSQL, one schema per plugin.
    Postgres(PgPool),
}

/// Runs the same query code against whichever pool `$db` holds. The body is compiled once per
/// backend, so it must be valid for both (`$1` placeholders, schema-qualified names). Plugin
/// crates use it for their own queries.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

impl Db {
    /// Connects to `url` (`sqlite:<file>` or `postgres://...`), creating the SQLite files and
    /// folder if missing. Does not run migrations: see [`Db::migrate`].
    pub async fn connect(url: &str, options: &DbOptions) -> StoreResult<Db> {
        if url.starts_with("sqlite:") {
            crate::pool::connect_sqlite(url, options)
                .await
                .map(Db::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            crate::pool::connect_postgres(url, options)
                .await
                .map(Db::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// One round trip to the database.
    pub async fn ping(&self) -> StoreResult<()> {
        crate::with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection; waits for queries in flight.
    pub async fn close(&self) {
        crate::with_pool!(self, pool => pool.close().await)
    }
}

/// A URL safe to show in errors and logs: any password is replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:data/x.db"), "sqlite:data/x.db");
        assert_eq!(redact_url("mysql://a:b@c/d"), "mysql://a:***@c/d");
    }
}
