//! Test support shared by every Trellis crate's tests.
//!
//! [`Slapd`] runs a real OpenLDAP server per test and [`Org`] generates the directory it holds.
//!
//! [`Prometheus`] runs a real Prometheus per test over samples the test gives.
//!
//! [`fixtures`] says where the real example catalogs are.
//!
//! [`TestDatabase`] gives each test its own empty database on a real engine: a SQLite file in a
//! temporary folder, or a freshly created PostgreSQL database (dropped again when the test ends).
//! PostgreSQL is reached through `TRELLIS_TEST_POSTGRES_URL` (an admin connection to any database
//! on the server; default `postgres://trellis:trellis@127.0.0.1:5432/postgres`, which
//! `scripts/test-services.sh` sets up). Tests fail, not skip, when it is unreachable: every store
//! test must run on both engines.

mod database;
pub mod fixtures;
pub mod org;
mod prometheus;
mod slapd;

pub use database::{TestBackend, TestDatabase};
pub use org::Org;
pub use prometheus::Prometheus;
pub use slapd::{Slapd, BASE as LDAP_BASE, READER_DN, READER_PASSWORD};

/// Declares a test per engine for each named `async fn name(backend: TestBackend)` in scope:
/// `name::sqlite` and `name::postgres`, so a suite states once that it runs on both.
/// Attributes before a name (`#[ignore = "why"]`) go on both of its tests.
#[macro_export]
macro_rules! on_both {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            $(#[$meta])*
            async fn sqlite() { super::$name($crate::TestBackend::Sqlite).await }
            #[tokio::test]
            $(#[$meta])*
            async fn postgres() { super::$name($crate::TestBackend::Postgres).await }
        }
    )*};
}
