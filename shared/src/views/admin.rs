//! The admin page's data (background jobs with their runs, the audit log) and the page
//! header's viewer.

use serde::{Deserialize, Serialize};

/// A background job and its recent runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    /// Job name (`catalog-refresh`, `ldap-org:<id>`).
    pub name: String,
    /// What it does.
    pub label: String,
    /// What it reads (locations, a directory URL).
    pub target: String,
    /// Newest first.
    pub runs: Vec<RunView>,
}

/// One run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    /// Its id (`GET /api/jobs/runs/{id}`).
    pub id: i64,
    /// Start, `YYYY-MM-DD HH:MM:SS` (UTC).
    pub started_at: String,
    /// Duration, once finished.
    pub duration_ms: Option<i64>,
    /// `success`, `failed`, `aborted`; `None` while running.
    pub outcome: Option<String>,
    /// Counts, or the reason it failed or stopped.
    pub detail: Option<String>,
    /// What it is doing, while it runs.
    pub progress: Option<String>,
    /// Who started it by hand.
    pub requested_by: Option<String>,
}

pub use crate::auth::AuditEvent;

/// Events shown per page.
pub const AUDIT_PAGE: u32 = 50;

/// Which events to show (from the page's URL).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only this actor (a user ref).
    pub actor: Option<String>,
    /// Only this outcome.
    pub outcome: Option<String>,
    /// Only events older than this id.
    pub before: Option<i64>,
}

impl AuditFilter {
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

/// The viewer as the header shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewerInfo {
    /// Canonical user ref.
    pub user_ref: String,
    /// Name to show.
    pub display_name: String,
    /// Groups the user is a direct member of.
    pub teams: Vec<String>,
    /// Guest mode: "switch user" instead of "sign out".
    pub guest: bool,
    /// Where signing out (or switching) goes.
    pub sign_out_url: String,
}
