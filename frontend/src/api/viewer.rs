//! Who is signed in, for the page header.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

/// The signed-in user.
#[server(prefix = "/_sf", endpoint = "viewer")]
pub async fn viewer() -> Result<ViewerInfo, ServerFnError> {
    use crate::api::server::{identity, portal};
    let portal = portal()?;
    let me = identity()?;
    Ok(ViewerInfo {
        user_ref: me.user_ref,
        display_name: me.display_name,
        teams: me.groups,
        guest: portal.guest,
        sign_out_url: if portal.guest {
            "/auth/guest".into()
        } else {
            portal.sign_out_url
        },
    })
}
