//! Who is signed in, as the server resolved it: what pages, server functions and API handlers
//! see of the viewer. The server builds it (`trellis-auth`); here it is plain data.

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
