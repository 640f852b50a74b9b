//! The one authorize-and-audit path: every mutation and every admin read, from the REST API or
//! a page's server function alike, is checked against the policy here, and the audit log gets
//! the denial at once, or the permitted action with its outcome once it is done.

use chrono::Utc;
use trellis_auth::audit::{self, NewEvent, Outcome};
use trellis_auth::{Action, Decision, Identity, Resource, ResourceType};

use crate::error::{ServiceError, ServiceResult};
use crate::Services;

/// Who is acting, with the request id the audit log records.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The signed-in user.
    pub identity: Identity,
    /// The request's `x-request-id`.
    pub request_id: Option<String>,
}

/// One action on one resource.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    /// What.
    pub action: Action,
    /// On which type of resource.
    pub kind: ResourceType,
    /// Its owners (canonical refs); empty for resources nobody owns.
    pub owners: &'a [String],
    /// What it is, for messages and the log (an entity ref, a location id, a page).
    pub target: &'a str,
}

impl<'a> Act<'a> {
    /// An action on something nobody owns (admin functions, the audit log, locations).
    pub fn unowned(action: Action, kind: ResourceType, target: &'a str) -> Self {
        Act {
            action,
            kind,
            owners: &[],
            target,
        }
    }

    /// `<resource-type>.<action>`, as the audit log records it.
    pub fn name(&self) -> String {
        format!("{}.{}", self.kind.as_str(), self.action.as_str())
    }
}

impl Services {
    /// Checks `act` for `actor`; a denial goes to the audit log and is a `Forbidden` error.
    pub async fn authorize(&self, actor: &Actor, act: Act<'_>) -> ServiceResult<()> {
        let resource = Resource {
            kind: act.kind,
            owners: act.owners,
        };
        match self.policy.check(&actor.identity, act.action, &resource) {
            Decision::Allow => Ok(()),
            Decision::Deny => {
                self.audit(actor, &act, Outcome::Denied, None).await;
                Err(ServiceError::Forbidden(format!(
                    "{} may not {} {} ({}); ask an admin (permission.admins, permission.rules)",
                    actor.identity.user_ref,
                    act.action.as_str(),
                    act.target,
                    act.name()
                )))
            }
        }
    }

    /// Checks `act`, then does `work` and logs its result (allowed when it succeeded, failed
    /// with the error). `work` is not started when the check refuses.
    pub async fn guarded<T>(
        &self,
        actor: &Actor,
        act: Act<'_>,
        work: impl std::future::Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<T> {
        self.authorize(actor, act).await?;
        let result = work.await;
        match &result {
            Ok(_) => self.audit(actor, &act, Outcome::Allowed, None).await,
            Err(e) => {
                let detail = e.public_message();
                self.audit(actor, &act, Outcome::Failed, Some(&detail))
                    .await
            }
        }
        result
    }

    /// Writes one audit event; a failure to write is logged, never hidden. The write runs on
    /// its own task (awaited here), so a request dropped meanwhile still leaves its event.
    pub async fn audit(
        &self,
        actor: &Actor,
        act: &Act<'_>,
        outcome: Outcome,
        detail: Option<&str>,
    ) {
        let event = NewEvent {
            actor: &actor.identity.user_ref,
            action: &act.name(),
            resource: act.target,
            outcome,
            request_id: actor.request_id.as_deref(),
            detail,
        };
        self.audit_event(&event).await;
    }

    /// Writes `event` (for callers that are no signed-in user: a machine with a static token);
    /// as [`Services::audit`], a failure is logged and a dropped request still leaves it.
    pub async fn audit_event(&self, event: &NewEvent<'_>) {
        let db = self.db.clone();
        let (who, action, resource) = (
            event.actor.to_string(),
            event.action.to_string(),
            event.resource.to_string(),
        );
        let outcome = event.outcome;
        let request_id = event.request_id.map(str::to_string);
        let detail = event.detail.map(str::to_string);
        let write = tokio::spawn(async move {
            let event = NewEvent {
                actor: &who,
                action: &action,
                resource: &resource,
                outcome,
                request_id: request_id.as_deref(),
                detail: detail.as_deref(),
            };
            if let Err(e) = audit::record(&db, &event, Utc::now()).await {
                tracing::error!(error = %e, action, "audit event could not be written");
            }
        });
        let _ = write.await;
    }
}
