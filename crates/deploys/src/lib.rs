//! Find any commit: is a change live, where, since when, and what carried it.
//!
//! - [`config`]: the deploy targets (`deployments.environments`): per environment, where the
//!   deployed commit comes from — GitHub Deployments, Trellis's own deploy events, or release
//!   tags matching a pattern (mobile releases).
//! - [`events`]: deploy events as CI posts them (`POST /api/deployments/events`), shaped like
//!   CDEvents `service.deployed`; [`store`] keeps them, with history, on both engines.
//! - [`query`]: what people type: a commit SHA (short or full), `owner/repo@sha`, a commit or
//!   pull request URL, `owner/repo#123`.
//! - [`trace`]: the decision, by ancestry (the change is contained in the deployed commit), over
//!   a target's deploy history: live since, not yet, rolled back; the first release to ship it.
//!
//! The service layer (`trellis-services`' `commits`) joins these with the catalog and GitHub.

pub mod config;
pub mod events;
pub mod query;
pub mod store;
pub mod trace;

pub use config::{DeploymentsConfig, Environment, SourceKind};

/// The deploy events table (`integrations.deploy_events`), from this crate's `migrations/`.
pub static MIGRATIONS: trellis_store::Migrations = trellis_store::Migrations {
    schema: "integrations",
    sqlite: || sqlx::migrate!("migrations/sqlite"),
    postgres: || sqlx::migrate!("migrations/postgres"),
};

/// [`MIGRATIONS`] as a plugin's list of sets.
pub static MIGRATION_SETS: [&trellis_store::Migrations; 1] = [&MIGRATIONS];
