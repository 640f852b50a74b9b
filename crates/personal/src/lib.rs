//! A person's own corner of the portal, on both engines (schema `personal`):
//!
//! - [`marks`]: the entities each person starred and the pages they visited recently.
//! - [`prefs`]: their toolkit links and their home page layout.
//!
//! Every function takes the person (a user ref) from the caller, which takes it from the
//! request's identity: nothing here reads or writes another person's rows. Each list is bounded
//! ([`marks::MAX_STARS`], [`marks::KEPT_VISITS`], [`prefs::MAX_LINKS`]). The service layer
//! (`trellis-services`' `personal`) checks what people send before it reaches these.

pub mod marks;
pub mod prefs;

/// The personal tables, from this crate's `migrations/`.
pub static MIGRATIONS: trellis_store::Migrations = trellis_store::Migrations {
    schema: "personal",
    sqlite: || sqlx::migrate!("migrations/sqlite"),
    postgres: || sqlx::migrate!("migrations/postgres"),
};

/// [`MIGRATIONS`] as a plugin's list of sets.
pub static MIGRATION_SETS: [&trellis_store::Migrations; 1] = [&MIGRATIONS];

/// `ms` (milliseconds since the epoch) as RFC 3339.
pub(crate) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
