//! Checking a handler's action against the policy, and writing it to the audit log: denials
//! when they happen, permitted actions with their outcome once done.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::Utc;
use trellis_auth::audit::{self, NewEvent, Outcome};
use trellis_auth::{Action, Decision, Identity, Resource, ResourceType};

use super::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Who is acting, with the request id the audit log records.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The signed-in user.
    pub identity: Identity,
    /// The request's `x-request-id`.
    pub request_id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Viewer(identity) = Viewer::from_request_parts(parts, state).await?;
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Actor {
            identity,
            request_id,
        })
    }
}

/// One action on one resource.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    /// What.
    pub action: Action,
    /// On which type of resource.
    pub kind: ResourceType,
    /// Its owners (canonical refs).
    pub owners: &'a [String],
    /// What it is, for messages and the log (an entity ref, a location id).
    pub target: &'a str,
}

impl Act<'_> {
    /// `<resource-type>.<action>`, as the audit log records it.
    fn name(&self) -> String {
        format!("{}.{}", self.kind.as_str(), self.action.as_str())
    }
}

/// Checks `act` for `actor`; a denial is logged to the audit log and answered with 403.
pub async fn authorize(state: &AppState, actor: &Actor, act: Act<'_>) -> AppResult<()> {
    let resource = Resource {
        kind: act.kind,
        owners: act.owners,
    };
    match state.policy.check(&actor.identity, act.action, &resource) {
        Decision::Allow => Ok(()),
        Decision::Deny => {
            record(state, actor, &act, Outcome::Denied, None).await;
            Err(AppError::Forbidden(format!(
                "{} may not {} {}",
                actor.identity.user_ref,
                act.name(),
                act.target
            )))
        }
    }
}

/// Checks `act`, then does `work` and logs its result (allowed when it succeeded, failed with
/// the error). `work` is not started when the check refuses.
pub async fn guarded<T>(
    state: &AppState,
    actor: &Actor,
    act: Act<'_>,
    work: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    authorize(state, actor, act).await?;
    let result = work.await;
    match &result {
        Ok(_) => record(state, actor, &act, Outcome::Allowed, None).await,
        Err(e) => record(state, actor, &act, Outcome::Failed, Some(&e.to_string())).await,
    }
    result
}

async fn record(
    state: &AppState,
    actor: &Actor,
    act: &Act<'_>,
    outcome: Outcome,
    detail: Option<&str>,
) {
    let action = act.name();
    let event = NewEvent {
        actor: &actor.identity.user_ref,
        action: &action,
        resource: act.target,
        outcome,
        request_id: actor.request_id.as_deref(),
        detail,
    };
    if let Err(e) = audit::record(&state.db, &event, Utc::now()).await {
        tracing::error!(error = %e, action, "audit event could not be written");
    }
}
