//! Example plugin (walked through in `docs/plugins.md`): a "Vendor status" card, how the tools
//! we depend on are doing, from their Statuspage pages (`GET <page>/api/v2/summary.json`,
//! <https://developer.statuspage.io/#section/Status-API>), the same cached data for everyone.

use std::sync::Arc;

use futures_util::future::{try_join_all, BoxFuture};
use futures_util::FutureExt;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use trellis_home::source::{cached, Asked, Fetched, Source};
use trellis_integrations::{Integrations, Upstream, UpstreamError, UpstreamOptions};
use trellis_services::config::{http_url, ConfigError};
use trellis_services::widget::{HomeWidget, Person, WidgetMeta};
use trellis_services::{Config, Plugin, Services};

/// `plugins.vendorStatus`: the status pages to show, by site URL.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusConfig {
    pub pages: Vec<String>,
}

/// What the card shows of a page (a subset of `summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub page: Part,
    pub status: Part,
    pub components: Vec<Part>,
    pub incidents: Vec<Part>,
}

/// A page (`name`, `url`), its status (`indicator`, `description`), a component (`name`,
/// `status`) or an incident (`name`, `impact`, `shortlink`); null where a page leaves it out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Part {
    pub name: Option<String>,
    pub url: Option<String>,
    pub status: Option<String>,
    pub indicator: Option<String>,
    pub description: Option<String>,
    pub impact: Option<String>,
    pub shortlink: Option<String>,
}

/// Reads a page's summary: the one real implementation calls Statuspage; tests may swap it.
pub trait StatusApi: Send + Sync + 'static {
    fn summary(&self, page: String) -> BoxFuture<'_, Result<Summary, UpstreamError>>;
    fn upstream(&self) -> &Upstream;
}

/// Statuspage over HTTP, through the SDK's call path (deadline, retries, breaker, metrics).
pub struct StatusClient(pub Upstream);

impl StatusApi for StatusClient {
    fn summary(&self, page: String) -> BoxFuture<'_, Result<Summary, UpstreamError>> {
        async move {
            let url = format!("{page}/api/v2/summary.json");
            let answer = self.0.call("summary", true, |http| http.get(&url)).await?;
            self.0.json(&answer)
        }
        .boxed()
    }

    fn upstream(&self) -> &Upstream {
        &self.0
    }
}

/// The widget's source: every configured page, fetched together.
pub struct VendorStatus {
    pub api: Box<dyn StatusApi>,
    pub pages: Vec<String>,
}

impl Source for VendorStatus {
    type Ask = ();
    type Data = Vec<Summary>;

    fn meta(&self) -> WidgetMeta {
        WidgetMeta::new("vendor-status", "Vendor status")
    }

    fn ask<'a>(&'a self, _: &'a Services, _: &'a Person) -> Asked<'a, ()> {
        async { Ok(()) }.boxed()
    }

    fn fetch(self: Arc<Self>, _: ()) -> Fetched<Vec<Summary>> {
        // One failing page fails the fetch: the card shows all pages' last good data and why.
        async move { try_join_all(self.pages.iter().map(|p| self.api.summary(p.clone()))).await }
            .boxed()
    }

    fn body(&self, pages: Vec<Summary>) -> AnyView {
        view! { <ul class="prs">{pages.into_iter().map(page).collect_view()}</ul> }.into_any()
    }

    fn upstream(&self) -> &Upstream {
        self.api.upstream()
    }
}

/// One page's line: its name and overall status, what is not operational, open incidents.
pub fn page(s: Summary) -> impl IntoView {
    let ok = s.status.indicator.as_deref() == Some("none");
    let status = |c: &Part| c.status.clone().unwrap_or_default().replace('_', " ");
    let down = s.components.iter().filter(|c| status(c) != "operational");
    let notes: Vec<_> = down
        .map(|c| format!("{}: {}", c.name.as_deref().unwrap_or("?"), status(c)))
        .collect();
    let incidents = s.incidents.into_iter().map(|i| {
        view! { <a class="pr-meta" href=i.shortlink>{i.name}" ("{i.impact}")"</a> }
    });
    view! {
        <li class="pr">
            <a class="pr-title" href=s.page.url>{s.page.name}</a>
            <span class="badges"><span class="badge" class:warn=!ok>{s.status.description}</span></span>
            <span class="pr-meta">{notes.join(" · ")}</span>
            {incidents.collect_view()}
        </li>
    }
}

/// The pages of `plugins.vendorStatus`, checked.
pub fn pages(config: &Config) -> Result<Vec<String>, ConfigError> {
    let section: StatusConfig = config.plugin_section("vendorStatus")?;
    let key = |i| format!("plugins.vendorStatus.pages[{i}]");
    (section.pages.iter().enumerate())
        .map(|(i, p)| http_url(&key(i), p))
        .collect()
}

fn widgets(config: &Config, i: &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    let pages = pages(config)?;
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let upstream = Upstream::new("Vendor status", UpstreamOptions::default(), i.metrics())?;
    let api = Box::new(StatusClient(upstream));
    Ok(vec![cached(VendorStatus { api, pages }, i)])
}

/// The plugin, for the registry (`backend/src/plugins.rs`).
pub fn plugin() -> Plugin {
    Plugin {
        widgets,
        ..Plugin::named("vendor-status", "plugins.vendorStatus")
    }
}
