//! The admin page's audit log: who did (or was refused) what, when, with which outcome and
//! request id, newest first, narrowed by actor and outcome and paged by event id.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use trellis_shared::auth::AuditEvent;

/// Events shown per page.
pub const AUDIT_PAGE: u32 = 50;

/// Which events to show (from the page's URL).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only this actor (a user ref).
    pub actor: Option<String>,
    /// Only this outcome.
    pub outcome: Option<String>,
    /// Only events older than this id.
    pub before: Option<i64>,
}

impl AuditFilter {
    /// The filter in the page's query string (`actor`, `outcome`, `before`); empty values and
    /// unparsable ids count as absent.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<String> + 'a) -> AuditFilter {
        let text = |k: &str| super::catalog::present(get(k));
        AuditFilter {
            actor: text("actor"),
            outcome: text("outcome"),
            before: text("before").and_then(|b| b.parse().ok()),
        }
    }

    /// The admin page's URL for this filter starting before `before`.
    pub fn href(&self, before: Option<i64>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(a) = &self.actor {
            pairs.push(("actor", a.clone()));
        }
        if let Some(o) = &self.outcome {
            pairs.push(("outcome", o.clone()));
        }
        if let Some(b) = before {
            pairs.push(("before", b.to_string()));
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", super::catalog::encode(v)))
            .collect();
        if query.is_empty() {
            "/admin#audit".into()
        } else {
            format!("/admin?{}#audit", query.join("&"))
        }
    }
}

/// A page of events and the id to continue from, if there are older ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Newest first.
    pub rows: Vec<AuditEvent>,
    /// `before` for the next (older) page.
    pub older: Option<i64>,
}

/// A page of the audit log (reading it is the `audit.read` permission: admins by default).
#[server(prefix = "/_sf", endpoint = "admin/audit")]
pub async fn admin_audit(filter: AuditFilter) -> Result<AuditPage, ServerFnError> {
    use crate::api::server::{identity, may, portal, store_error};
    use trellis_auth::audit::{self, EventQuery, Outcome};
    use trellis_auth::{Action, ResourceType};
    let portal = portal()?;
    let me = identity()?;
    may(
        &portal,
        &me,
        Action::Read,
        ResourceType::Audit,
        "read the audit log",
    )?;
    let outcome: Option<Outcome> = match &filter.outcome {
        None => None,
        Some(o) => Some(
            serde_json::from_value(serde_json::Value::String(o.to_lowercase())).map_err(|_| {
                ServerFnError::new(format!(
                    "outcome: `{o}` is not one of allowed, denied, failed"
                ))
            })?,
        ),
    };
    // `ann` means `user:default/ann` (the log stores canonical refs); what looks like an email
    // is compared as given (refused sign-ins are logged under the name the proxy sent).
    let actor = filter.actor.as_deref().map(|a| {
        if a.contains('@') {
            return a.to_string();
        }
        trellis_shared::catalog::EntityRef::parse(a, Some("user"), Some("default"))
            .map(|r| r.canonical())
            .unwrap_or_else(|_| a.to_lowercase())
    });
    let query = EventQuery {
        actor,
        outcome,
        before: filter.before,
        limit: Some(AUDIT_PAGE + 1),
    };
    let mut events = audit::list(&portal.db, &query).await.map_err(store_error)?;
    let older = (events.len() > AUDIT_PAGE as usize).then(|| {
        events.truncate(AUDIT_PAGE as usize);
        events.last().map(|e| e.id)
    });
    Ok(AuditPage {
        rows: events,
        older: older.flatten(),
    })
}
