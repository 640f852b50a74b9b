//! The home page plugin: the built-in widgets — "needs attention", GitHub pull requests, Jira
//! issues, PagerDuty on-call and incidents — the card [`kit`] every widget's card is rendered with, and [`source`], the
//! shortest way to write a cached widget. [`commits`] is the "deployments" plugin: find any
//! commit. [`dashboards`] is the "dashboards" plugin: Grafana dashboards and their charts.
//! [`personal`] is the "personal" plugin: stars, recent visits, the toolkit and the layout.
//!
//! Each widget is a [`trellis_services::widget::HomeWidget`]: its data comes from the service
//! layer (the integrations' caches, per person), its card body is HTML rendered here on the
//! server, so no card code reaches the WASM client however many widgets there are. The page
//! streams each card in on its own.

mod cards;
pub mod commits;
pub mod dashboards;
pub mod kit;
pub mod pagerduty;
pub mod personal;
pub mod source;
mod widgets;

use trellis_services::Plugin;

/// The home page's plugin: its config section (`home`), its widgets.
pub fn plugin() -> Plugin {
    Plugin {
        name: "home",
        config_key: "home",
        migrations: &[],
        jobs: trellis_services::plugin::no_jobs,
        services: trellis_services::plugin::no_services,
        pages: &[],
        metrics: trellis_services::plugin::no_metrics,
        widgets: widgets::built_in,
    }
}
