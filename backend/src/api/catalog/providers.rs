//! Entity providers' status and manual syncs (Trellis' own endpoints beside Backstage's API):
//! `GET /providers` lists each LDAP org provider with its target, schedule, whether a sync is
//! running and its recent runs; `POST /providers/ldap-org/{id}/sync` starts one in the
//! background (202 with its run id; 404 for an unknown id, 409 while one runs).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use trellis_services::ldap::Providers;

use crate::api::jobs::RunStarted;
use crate::auth::caller::Caller;
use crate::error::AppResult;
use crate::openapi::responses::{Conflict, Forbidden, InternalError, NotFound, ServiceUnavailable};
use crate::state::AppState;

/// Entity providers and their recent runs
///
/// Each LDAP org provider (`catalog.providers.ldapOrg.<id>`) with its target, schedule, whether
/// a sync is running on any replica, and its ten newest runs: `success` with the counts as
/// `detail` (JSON), `aborted` or `failed` with the reason. An admin read.
#[utoipa::path(
    get,
    path = "/",
    tag = "Providers",
    operation_id = "getProviders",
    responses(
        (status = 200, description = "The providers.", body = trellis_services::ldap::Providers),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn list_providers(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> AppResult<Json<Providers>> {
    Ok(Json(state.providers(&actor).await?))
}

/// Sync an LDAP org provider now
///
/// Starts a sync in the background (admins) and answers 202 with its run id;
/// `GET /api/jobs/runs/{id}` follows it. The sync reads the directory, checks the result is
/// safe to apply and applies it in one transaction; a sync that aborts (directory unreachable,
/// bind refused, search failed or cut by a size limit, empty result, too many deletions) changes
/// nothing stored, and its run says why. 404 for an unknown provider, 409 while another sync of
/// it runs (on any replica).
#[utoipa::path(
    post,
    path = "/ldap-org/{id}/sync",
    tag = "Providers",
    operation_id = "syncLdapOrg",
    params(("id" = String, Path, description = "The provider's id, `catalog.providers.ldapOrg.<id>`.")),
    responses(
        (status = 202, description = "The sync started.", body = RunStarted),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn sync_provider(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<RunStarted>)> {
    let run_id = state.services.sync_provider(&actor, &id).await?;
    Ok((StatusCode::ACCEPTED, Json(RunStarted::new(run_id))))
}
