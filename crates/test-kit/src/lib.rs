//! Test support shared by every Trellis crate's tests.
//!
//! [`TestDatabase`] gives each test its own empty database on a real engine: a SQLite file in a
//! temporary folder, or a freshly created PostgreSQL database (dropped again when the test ends).
//! PostgreSQL is reached through `TRELLIS_TEST_POSTGRES_URL` (an admin connection to any database
//! on the server; default `postgres://trellis:trellis@127.0.0.1:5432/postgres`, which
//! `scripts/test-services.sh` sets up). Tests fail, not skip, when it is unreachable: every store
//! test must run on both engines.

mod database;

pub use database::{TestBackend, TestDatabase};
