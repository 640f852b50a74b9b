//! Entity providers' status and manual syncs (Trellis' own endpoints beside Backstage's API):
//! `GET /providers` lists each LDAP org provider with its target, schedule, whether a sync is
//! running and its recent runs (counts, or the reason it was aborted); `POST
//! /providers/ldap-org/{id}/sync` runs one now and answers with what it changed.

use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use serde::Serialize;
use trellis_ldap::SyncReport;
use trellis_store::jobs::JobRun;

use crate::auth::authorize::{authorize, guarded, Act, Actor};
use crate::error::{AppError, AppResult};
use crate::jobs::ldap_sync::{self, RunError};
use crate::state::AppState;
use trellis_auth::{Action, ResourceType};

/// One provider's status.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderStatus {
    /// `catalog.providers.ldapOrg.<id>`.
    pub id: String,
    /// Directory URL.
    pub target: String,
    /// Seconds between scheduled syncs.
    pub frequency_seconds: u64,
    /// Whether a sync is running now (on any replica).
    pub running: bool,
    /// The newest runs, newest first.
    pub runs: Vec<JobRun>,
}

/// `{"ldapOrg": [...]}`.
#[derive(Debug, Serialize)]
pub struct Providers {
    /// LDAP org providers.
    #[serde(rename = "ldapOrg")]
    pub ldap_org: Vec<ProviderStatus>,
}

/// Lists the providers with their recent runs.
pub async fn list(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Providers>> {
    let act = Act {
        action: Action::Read,
        kind: ResourceType::Admin,
        owners: &[],
        target: "providers",
    };
    authorize(&state, &actor, act).await?;
    let mut out = Vec::new();
    for (id, config) in &state.config.catalog.providers.ldap_org {
        let job = ldap_sync::job_name(id);
        let runs = state.db.recent_job_runs(&job, 10).await?;
        let running = state
            .db
            .lease_holder(&format!("{job}:run"), Utc::now())
            .await?
            .is_some();
        out.push(ProviderStatus {
            id: id.clone(),
            target: config.target.clone(),
            frequency_seconds: config.frequency().map(|d| d.as_secs()).unwrap_or(3600),
            running,
            runs,
        });
    }
    Ok(Json(Providers { ldap_org: out }))
}

/// Syncs LDAP org provider `id` now.
pub async fn sync_ldap(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<SyncReport>> {
    let target = format!("ldap-org:{id}");
    let act = Act {
        action: Action::Sync,
        kind: ResourceType::Admin,
        owners: &[],
        target: &target,
    };
    guarded(&state, &actor, act, sync_checked(&state, &id)).await
}

async fn sync_checked(state: &AppState, id: &str) -> AppResult<Json<SyncReport>> {
    let providers = &state.config.catalog.providers.ldap_org;
    let mut quiet = |_: &str| {};
    match ldap_sync::run(&state.db, providers, id, &mut quiet).await {
        Ok(report) => Ok(Json(report)),
        Err(e @ RunError::Unknown(_)) => Err(AppError::NotFound(e.to_string())),
        Err(e @ RunError::Busy(_)) => Err(AppError::Conflict(e.to_string())),
        Err(e @ RunError::Aborted(_)) => Err(AppError::Unavailable(e.to_string())),
        Err(RunError::Store(e)) => Err(e.into()),
    }
}
