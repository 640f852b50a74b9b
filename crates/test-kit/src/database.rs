//! Per-test databases on SQLite and PostgreSQL.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor, PgConnection};

/// Default admin connection for test databases; see the crate docs.
pub const DEFAULT_POSTGRES_ADMIN_URL: &str = "postgres://trellis:trellis@127.0.0.1:5432/postgres";

/// Which engine a test database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the test PostgreSQL server.
    Postgres,
}

/// An empty database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// Connection URL for Trellis' `database.url`.
    pub url: String,
    /// The engine.
    pub backend: TestBackend,
    dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn admin_url() -> String {
    std::env::var("TRELLIS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_ADMIN_URL.to_string())
}

impl TestDatabase {
    /// A new empty database on `backend`.
    ///
    /// # Panics
    /// When the database cannot be created: a test without its database cannot run.
    pub async fn new(backend: TestBackend) -> TestDatabase {
        match backend {
            TestBackend::Sqlite => Self::sqlite(),
            TestBackend::Postgres => Self::postgres().await,
        }
    }

    /// A SQLite database file in a new temporary folder.
    pub fn sqlite() -> TestDatabase {
        let dir =
            tempfile::tempdir().expect("create a temporary folder for a SQLite test database");
        let url = format!("sqlite:{}", dir.path().join("trellis.db").display());
        TestDatabase {
            url,
            backend: TestBackend::Sqlite,
            dir: Some(dir),
            postgres: None,
        }
    }

    /// A freshly created PostgreSQL database.
    pub async fn postgres() -> TestDatabase {
        let admin = admin_url();
        let name = format!(
            "trellis_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .get(..8)
                .unwrap_or_default()
        );
        let mut conn = match PgConnection::connect(&admin).await {
            Ok(conn) => conn,
            Err(e) => panic!(
                "PostgreSQL for tests is unreachable at TRELLIS_TEST_POSTGRES_URL ({e}); \
                 run scripts/test-services.sh or set TRELLIS_TEST_POSTGRES_URL"
            ),
        };
        if let Err(e) = conn
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
        {
            panic!("cannot create test database {name}: {e}");
        }
        let _ = conn.close().await;
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("TRELLIS_TEST_POSTGRES_URL `{admin}` has no database path"),
        };
        TestDatabase {
            url,
            backend: TestBackend::Postgres,
            dir: None,
            postgres: Some((admin, name)),
        }
    }

    /// The folder holding a SQLite test database.
    pub fn dir(&self) -> Option<&std::path::Path> {
        self.dir.as_ref().map(|d| d.path())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime; a helper thread with its own runtime does the
        // async cleanup without blocking that runtime's worker on a nested block_on.
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect(&admin).await {
                    let _ = conn
                        .execute(
                            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str(),
                        )
                        .await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}
