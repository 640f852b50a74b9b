//! The one error type of the service layer. Its [`ErrorKind`] decides the HTTP status and the
//! Backstage error name, so the REST API (`AppError`) and the pages' server functions
//! (`PortalError`) answer a failure with the same status. Internal failures keep their cause
//! for the server log only.

use trellis_shared::api::ErrorKind;
use trellis_store::StoreError;

/// Result of service methods.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Everything a service method can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input; the message names the parameter or field.
    #[error("{0}")]
    Input(String),
    /// No identity.
    #[error("{0}")]
    Unauthorized(String),
    /// Not allowed (already written to the audit log).
    #[error("{0}")]
    Forbidden(String),
    /// Missing, or not readable by the caller.
    #[error("{0}")]
    NotFound(String),
    /// Conflicts with stored state.
    #[error("{0}")]
    Conflict(String),
    /// A dependency is unavailable right now.
    #[error("{0}")]
    Unavailable(String),
    /// The caller asked too often (a per-person budget of an expensive call).
    #[error("{0}")]
    TooManyRequests(String),
    /// Unexpected: the cause is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    /// The kind, which decides the status.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ServiceError::Input(_) => ErrorKind::Input,
            ServiceError::Unauthorized(_) => ErrorKind::Unauthorized,
            ServiceError::Forbidden(_) => ErrorKind::Forbidden,
            ServiceError::NotFound(_) => ErrorKind::NotFound,
            ServiceError::Conflict(_) => ErrorKind::Conflict,
            ServiceError::Unavailable(_) => ErrorKind::Unavailable,
            ServiceError::TooManyRequests(_) => ErrorKind::TooManyRequests,
            ServiceError::Internal(_) => ErrorKind::Internal,
        }
    }

    /// What the caller may be told: the message, or for internal failures a fixed text.
    pub fn public_message(&self) -> String {
        match self {
            ServiceError::Internal(_) => trellis_shared::api::INTERNAL_MESSAGE.to_string(),
            other => other.to_string(),
        }
    }

    /// The internal cause, for the log (internal failures only).
    pub fn internal_cause(&self) -> Option<String> {
        match self {
            ServiceError::Internal(e) => Some(format!("{e:#}")),
            _ => None,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid { .. } | StoreError::UnsupportedUrl(_) => {
                ServiceError::Input(e.to_string())
            }
            StoreError::NotFound(what) => ServiceError::NotFound(format!("{what} not found")),
            StoreError::Conflict(msg) => ServiceError::Conflict(msg),
            StoreError::Database(sqlx::Error::PoolTimedOut) => {
                ServiceError::Unavailable("the database is busy".into())
            }
            other => ServiceError::Internal(anyhow::Error::new(other)),
        }
    }
}
