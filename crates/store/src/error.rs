//! The store's error type. Callers map it to HTTP statuses; messages name what was wrong.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is not one Trellis can use.
    #[error("unsupported database url `{0}`: expected sqlite:<file> or postgres://...")]
    UnsupportedUrl(String),
    /// Input that the store refuses, naming the field.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field or argument that was wrong.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// The record asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The change conflicts with what is stored.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Preparing the database's files failed.
    #[error("cannot prepare database file {path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;
