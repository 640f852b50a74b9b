//! Who is signed in, as the server resolved it: what pages, server functions and API handlers
//! see of the viewer; and the audit log's events. The server builds both (`trellis-auth`); here
//! they are plain data.

use serde::{Deserialize, Serialize};

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Canonical ref of the User entity (`user:default/jane.doe`).
    pub user_ref: String,
    /// Name to show.
    pub display_name: String,
    /// Email, when known.
    pub email: Option<String>,
    /// The user and every group it belongs to, directly or through nested groups: what it owns
    /// through. Canonical refs, sorted.
    pub ownership_refs: Vec<String>,
    /// Groups the user is a direct member of (canonical refs, sorted).
    pub groups: Vec<String>,
    /// Whether `permission.admins` names the user or one of its groups.
    pub admin: bool,
    /// Guest mode: picked, not signed in.
    pub guest: bool,
}

impl Identity {
    /// Whether any of `owners` (canonical refs) is the user or one of its groups.
    pub fn owns_any<S: AsRef<str>>(&self, owners: &[S]) -> bool {
        owners.iter().any(|owner| {
            self.ownership_refs
                .binary_search_by(|r| r.as_str().cmp(owner.as_ref()))
                .is_ok()
        })
    }
}

/// One event of the audit log: a permitted mutation with its outcome, or a denial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// Ever-growing id.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who (a user ref; for a refused sign-in, whom the proxy named).
    pub actor: String,
    /// What: `<resource-type>.<action>`, or `auth.sign-in`.
    pub action: String,
    /// On what.
    pub resource: String,
    /// `allowed`, `denied` or `failed`.
    pub outcome: String,
    /// The request's id.
    pub request_id: Option<String>,
    /// Why it failed or was refused, if known.
    pub detail: Option<String>,
}
