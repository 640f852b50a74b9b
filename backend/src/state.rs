//! Shared server state: config, database and rendering options, behind one `Arc`.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use trellis_store::Db;

use crate::config::Config;

/// Everything handlers share. Third-party clients join here as `Arc<dyn Client>` fields.
#[derive(Debug)]
pub struct App {
    /// The validated config.
    pub config: Config,
    /// The database pool.
    pub db: Db,
    /// Options for server-side rendering (site root, asset names).
    pub leptos: LeptosOptions,
    /// Serializes catalog refreshes of this replica (scheduled and on demand).
    pub refresh_lock: tokio::sync::Mutex<()>,
    /// The pages' server functions' view of the server (store, policy, caches).
    pub portal: trellis_frontend::api::Portal,
    /// Resolves who is asking (proxy headers or guest pick), with a short-lived cache.
    pub identities: Arc<trellis_auth::Identities>,
    /// The access policy.
    pub policy: Arc<trellis_auth::Policy>,
    /// Folders file locations may be registered from (`catalog.fileRoots`, resolved).
    pub file_roots: trellis_catalog::FileRoots,
    /// Cancelled when the server stops: background work and catalog reads end early.
    pub shutdown: tokio_util::sync::CancellationToken,
}

/// Handle extracted by handlers with `State<AppState>`.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<App>);

impl AppState {
    /// Wraps the parts into a state.
    pub fn new(app: App) -> Self {
        AppState(Arc::new(app))
    }
}

impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
