//! Shared server state: the service layer (one `Arc`, also what the pages' server functions
//! get as their context) and the options for server-side rendering.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use trellis_services::Services;

/// Handle extracted by handlers with `State<AppState>`; derefs to the [`Services`].
#[derive(Debug, Clone)]
pub struct AppState {
    /// The service layer.
    pub services: Arc<Services>,
    /// Options for server-side rendering (site root, asset names).
    pub leptos: Arc<LeptosOptions>,
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        (*state.leptos).clone()
    }
}

impl FromRef<AppState> for Arc<Services> {
    fn from_ref(state: &AppState) -> Self {
        state.services.clone()
    }
}
