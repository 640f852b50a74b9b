//! Grafana: dashboards found by tag, and one dashboard's model (its panels and their queries).
//!
//! API contract (<https://grafana.com/docs/grafana/latest/developers/http_api/>):
//! - Auth: `Authorization: Bearer <service account token>`
//!   (<https://grafana.com/docs/grafana/latest/administration/service-accounts/>).
//! - `GET /api/search?type=dash-db&tag=T&limit=N` ("folder/dashboard search"): a JSON array
//!   of hits `{uid, title, url, type, tags, folderTitle, ...}`, `url` being the dashboard's
//!   path on the Grafana host (`/d/<uid>/<slug>`); several `tag`s must all match.
//! - `GET /api/dashboards/uid/<uid>` ("dashboard API"): `{dashboard: {uid, title, tags,
//!   panels, templating}, meta: {url, folderTitle, ...}}`; 404 with `{"message": "Dashboard
//!   not found"}`.
//! - Errors carry `{"message": ...}`; 401 for a bad token.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use serde::{Deserialize, Serialize};
use trellis_shared::views::dashboards::DashboardRef;

use crate::{Upstream, UpstreamError};

/// Most dashboards read for one tag.
pub const MAX_HITS: usize = 100;

/// `grafana.*` (the keys of Backstage's Grafana plugin, plus the token Trellis calls with).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GrafanaConfig {
    /// Grafana's address, `https://grafana.acme.com`: links and API calls. Unset: no card.
    pub domain: Option<String>,
    /// A service account token (`${GRAFANA_TOKEN}`), Viewer role; never sent to browsers.
    pub token: Option<String>,
}

impl GrafanaConfig {
    /// Whether the dashboards card is on.
    pub fn enabled(&self) -> bool {
        self.domain.as_deref().is_some_and(|d| !d.trim().is_empty())
    }

    /// What is wrong with it, as `key: message`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(d) = self.domain.as_deref().filter(|d| !d.trim().is_empty()) {
            if !(d.starts_with("https://") || d.starts_with("http://")) {
                out.push(format!("grafana.domain: must be an http(s) URL, not '{d}'"));
            }
            if self.token.as_deref().is_none_or(|t| t.trim().is_empty()) {
                out.push("grafana.token: is required with grafana.domain (a service account token, Viewer role)".into());
            }
        }
        out
    }
}

/// Whether `uid` is a Grafana uid (at most 40 letters, digits, `-` and `_`): it goes into paths.
pub fn is_uid(uid: &str) -> bool {
    (1..=40).contains(&uid.len())
        && uid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A dashboard and its model (`dashboard` of the dashboard API's answer).
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// How it is listed.
    pub reference: DashboardRef,
    /// Its JSON model: `panels`, `templating`, ...
    pub model: serde_json::Value,
}

/// What Trellis asks Grafana.
pub trait GrafanaApi: Send + Sync + 'static {
    /// The dashboards having `tag` (at most [`MAX_HITS`]).
    fn tagged(&self, tag: String) -> BoxFuture<'_, Result<Vec<DashboardRef>, UpstreamError>>;
    /// Dashboard `uid` (a checked [`is_uid`]), `None` when Grafana has none.
    fn dashboard(&self, uid: String) -> BoxFuture<'_, Result<Option<Dashboard>, UpstreamError>>;
    /// The upstream behind it.
    fn upstream(&self) -> &Upstream;
}

/// The HTTP client.
#[derive(Debug)]
pub struct GrafanaClient {
    upstream: Arc<Upstream>,
    domain: String,
    token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Hit {
    uid: String,
    title: String,
    url: String,
    #[serde(default)]
    tags: Vec<String>,
    folder_title: Option<String>,
    #[serde(rename = "type", default)]
    kind: String,
}

#[derive(Deserialize)]
struct Found {
    dashboard: serde_json::Value,
    #[serde(default)]
    meta: Meta,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Meta {
    url: Option<String>,
    folder_title: Option<String>,
}

impl GrafanaClient {
    /// A client for `config` (enabled) calling through `upstream`.
    pub fn new(config: &GrafanaConfig, upstream: Arc<Upstream>) -> Self {
        Self {
            upstream,
            domain: config
                .domain
                .as_deref()
                .unwrap_or_default()
                .trim()
                .trim_end_matches('/')
                .to_string(),
            token: config.token.clone().unwrap_or_default(),
        }
    }

    /// The absolute address of a Grafana path; `None` unless it is a path on this host.
    fn link(&self, path: &str) -> Option<String> {
        (path.starts_with('/') && !path.starts_with("//") && !path.contains(['\\', '\n', '\r']))
            .then(|| format!("{}{path}", self.domain))
    }

    async fn fetch_tagged(&self, tag: String) -> Result<Vec<DashboardRef>, UpstreamError> {
        let up = &self.upstream;
        let limit = MAX_HITS.to_string();
        let answer = up
            .call("search", true, |http| {
                http.get(format!("{}/api/search", self.domain))
                    .bearer_auth(&self.token)
                    .query(&[("type", "dash-db"), ("tag", &tag), ("limit", &limit)])
            })
            .await?;
        let hits: Vec<Hit> = up.json(&answer)?;
        Ok(hits
            .into_iter()
            .filter(|h| (h.kind.is_empty() || h.kind == "dash-db") && is_uid(&h.uid))
            .filter_map(|h| {
                Some(DashboardRef {
                    url: self.link(&h.url)?,
                    uid: h.uid,
                    title: h.title,
                    folder: h.folder_title.filter(|f| !f.is_empty()),
                    tags: h.tags,
                })
            })
            .take(MAX_HITS)
            .collect())
    }

    async fn fetch_dashboard(&self, uid: String) -> Result<Option<Dashboard>, UpstreamError> {
        if !is_uid(&uid) {
            return Ok(None);
        }
        let up = &self.upstream;
        let answer = up
            .call("dashboard", true, |http| {
                http.get(format!("{}/api/dashboards/uid/{uid}", self.domain))
                    .bearer_auth(&self.token)
            })
            .await;
        let answer = match answer {
            Err(UpstreamError::Status { status: 404, .. }) => return Ok(None),
            other => other?,
        };
        let found: Found = up.json(&answer)?;
        let model = found.dashboard;
        let text = |key: &str| model[key].as_str().unwrap_or_default().to_string();
        let path = found.meta.url.unwrap_or_else(|| format!("/d/{uid}"));
        let reference = DashboardRef {
            uid: uid.clone(),
            title: text("title"),
            url: self
                .link(&path)
                .unwrap_or_else(|| format!("{}/d/{uid}", self.domain)),
            folder: found.meta.folder_title.filter(|f| !f.is_empty()),
            tags: model["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        };
        Ok(Some(Dashboard { reference, model }))
    }
}

impl GrafanaApi for GrafanaClient {
    fn tagged(&self, tag: String) -> BoxFuture<'_, Result<Vec<DashboardRef>, UpstreamError>> {
        self.fetch_tagged(tag).boxed()
    }

    fn dashboard(&self, uid: String) -> BoxFuture<'_, Result<Option<Dashboard>, UpstreamError>> {
        self.fetch_dashboard(uid).boxed()
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }
}
