//! The error responses operations refer to (`components/responses`), each Backstage's error
//! envelope with its error name. Declared once here; a handler lists the ones it can answer,
//! e.g. `(status = 404, response = NotFound)`.

use trellis_shared::api::ErrorEnvelope;
use utoipa::ToResponse;

/// Invalid input (`InputError`); the message names the parameter or field.
#[derive(ToResponse)]
pub struct BadRequest(pub ErrorEnvelope);

/// No identity (`AuthenticationError`): sign in first.
#[derive(ToResponse)]
pub struct Unauthorized(pub ErrorEnvelope);

/// The permission policy does not allow this (`NotAllowedError`).
#[derive(ToResponse)]
pub struct Forbidden(pub ErrorEnvelope);

/// No such resource (`NotFoundError`), or one the caller may not see.
#[derive(ToResponse)]
pub struct NotFound(pub ErrorEnvelope);

/// The path exists, but not for this method (`MethodNotAllowedError`).
#[derive(ToResponse)]
pub struct MethodNotAllowed(pub ErrorEnvelope);

/// The change conflicts with stored state or running work (`ConflictError`).
#[derive(ToResponse)]
pub struct Conflict(pub ErrorEnvelope);

/// A dependency is unavailable (`ServiceUnavailableError`), e.g. the database is busy; retry
/// later.
#[derive(ToResponse)]
pub struct ServiceUnavailable(pub ErrorEnvelope);

/// The caller asked too often (`TooManyRequestsError`): a per-person budget of an expensive
/// call is spent; retry in a minute.
#[derive(ToResponse)]
pub struct TooManyRequests(pub ErrorEnvelope);

/// Unexpected failure (`Error`); the message carries no detail, the server log has it under the
/// request id.
#[derive(ToResponse)]
pub struct InternalError(pub ErrorEnvelope);
