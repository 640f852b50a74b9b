//! The plugin registry: every plugin, declared once. Each entry pairs a plugin's server half
//! (its config section, migrations, scheduled jobs, per-replica services and pages, from
//! `trellis-services`) with the API routes it mounts (listed in `router.rs`). The server builds
//! the migrations, the scheduler, `/readyz`, `/metrics`, the admin page's job list and the API
//! from this list; adding an integration or a widget is one more line here.

use trellis_services::Plugin;
use utoipa_axum::router::OpenApiRouter;

use crate::router;
use crate::state::AppState;

/// A plugin's API routes with their documentation (a function in `router.rs`).
pub type Routes = fn() -> OpenApiRouter<AppState>;

/// One registered plugin.
pub struct Registered {
    /// Its server half.
    pub plugin: Plugin,
    /// Where its API routes are mounted under `/api`, and the routes.
    pub api: Option<(&'static str, Routes)>,
}

/// Every plugin, in migration order.
pub fn registry() -> Vec<Registered> {
    vec![
        Registered {
            plugin: trellis_services::plugin::core(),
            api: Some(("/jobs", router::jobs_routes)),
        },
        Registered {
            plugin: trellis_services::catalog::plugin(),
            api: Some(("/catalog", router::catalog_routes)),
        },
        Registered {
            plugin: trellis_services::ldap::plugin(),
            api: Some(("/catalog/providers", router::provider_routes)),
        },
        Registered {
            plugin: trellis_services::plugin::auth(),
            api: Some(("/", router::auth_routes)),
        },
        Registered {
            plugin: trellis_home::plugin(),
            api: Some(("/home", router::home_routes)),
        },
        Registered {
            plugin: trellis_home::commits::plugin(),
            api: Some(("/", router::deployments_routes)),
        },
        Registered {
            plugin: trellis_home::dashboards::plugin(),
            api: Some(("/", router::dashboards_routes)),
        },
        Registered {
            plugin: trellis_home::personal::plugin(),
            api: Some(("/", router::personal_routes)),
        },
        // Plugins without API routes of their own (their widgets answer at /api/home/widgets).
        plugin(trellis_plugin_vendor_status::plugin()),
    ]
}

/// A plugin without API routes of its own: one line in [`registry`].
fn plugin(plugin: Plugin) -> Registered {
    Registered { plugin, api: None }
}

/// The server halves of every plugin.
pub fn plugins() -> Vec<Plugin> {
    registry().into_iter().map(|r| r.plugin).collect()
}
