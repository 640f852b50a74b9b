//! Dashboards: the Grafana dashboards of what a person's teams own, a dashboard's charts, and
//! what each person viewed.
//!
//! - [`selector`]: the entity annotations that select dashboards — `grafana/dashboard-selector`
//!   (the expressions of Backstage's Grafana plugin: `tags @> 'x' && title == 'y'`) and the
//!   older `grafana/tag` — parsed, with the tags to search Grafana by.
//! - [`panels`]: a dashboard's model turned into charts to draw: its Prometheus panels and
//!   their queries, Grafana's variables (`$__rate_interval`, the dashboard's own) filled in.
//! - [`store`]: the dashboards each person viewed through Trellis (Grafana has no API for
//!   that), on both engines.
//!
//! The service layer (`trellis-services`' `dashboards`) joins these with the catalog, Grafana
//! and Prometheus.

pub mod panels;
pub mod selector;
pub mod store;

/// The views table (`integrations.dashboard_views`), from this crate's `migrations/`.
pub static MIGRATIONS: trellis_store::Migrations = trellis_store::Migrations {
    schema: "integrations",
    sqlite: || sqlx::migrate!("migrations/sqlite"),
    postgres: || sqlx::migrate!("migrations/postgres"),
};

/// [`MIGRATIONS`] as a plugin's list of sets.
pub static MIGRATION_SETS: [&trellis_store::Migrations; 1] = [&MIGRATIONS];
