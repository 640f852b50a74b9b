//! A fake Grafana for the requests Trellis sends.
//!
//! Contract followed (<https://grafana.com/docs/grafana/latest/developers/http_api/>):
//! - `Authorization: Bearer <service account token>`; a wrong one is `401` with
//!   `{"message": "Unauthorized"}`.
//! - `GET /api/search` ("folder/dashboard search",
//!   <https://grafana.com/docs/grafana/latest/developers/http_api/folder_dashboard_search/>):
//!   `type=dash-db` keeps dashboards; every `tag` given must be on the dashboard; `query`
//!   matches titles (case-insensitive substring); `limit` (default 1000, at most 5000). Hits:
//!   `{id, uid, title, uri, url, slug, type, tags, isStarred, folderUid, folderTitle,
//!   folderUrl}`, sorted by title.
//! - `GET /api/dashboards/uid/<uid>` ("dashboard API",
//!   <https://grafana.com/docs/grafana/latest/developers/http_api/dashboard/>): `{dashboard,
//!   meta: {type, slug, url, folderTitle, ...}}`; unknown: `404` `{"message": "Dashboard not
//!   found"}`.
//! - Rate limiting is not part of Grafana's API; a fake in that state answers `429` with
//!   `Retry-After`, as a proxy in front of it would.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::Faults;

/// A dashboard the fake holds: its folder and its JSON model (`uid`, `title`, `tags`,
/// `panels`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct FakeDashboard {
    /// Its folder's title (`None`: General).
    pub folder: Option<String>,
    /// Its model.
    pub model: Value,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct FakeGrafana {
    token: String,
    dashboards: RwLock<Vec<FakeDashboard>>,
    /// Injected faults.
    pub faults: Faults,
    calls: AtomicU64,
}

impl FakeGrafana {
    /// A fake accepting `token`.
    pub fn new(token: &str) -> Arc<Self> {
        Arc::new(Self {
            token: token.into(),
            ..Self::default()
        })
    }

    /// Adds dashboards.
    pub fn add(&self, dashboards: impl IntoIterator<Item = FakeDashboard>) {
        self.dashboards
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(dashboards);
    }

    /// Requests answered so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The router.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/api/search", get(search))
            .route("/api/dashboards/uid/{uid}", get(dashboard))
            .route("/d/{uid}/{slug}", get(page))
            .with_state(self.clone())
    }

    async fn gate(&self, headers: &HeaderMap) -> Option<Response> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let fail = self.faults.apply().await;
        let expected = format!("Bearer {}", self.token);
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
            return Some(
                (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"message": "Unauthorized"})),
                )
                    .into_response(),
            );
        }
        if self.faults.rate_limited() {
            return Some(
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("retry-after", "30")],
                    Json(json!({"message": "Too many requests"})),
                )
                    .into_response(),
            );
        }
        fail.then(|| {
            (
                StatusCode::BAD_GATEWAY,
                Json(json!({"message": "Bad gateway"})),
            )
                .into_response()
        })
    }
}

fn slug(title: &str) -> String {
    let s: String = title
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn hit(i: usize, d: &FakeDashboard) -> Value {
    let m = &d.model;
    let uid = m["uid"].as_str().unwrap_or_default();
    let title = m["title"].as_str().unwrap_or_default();
    let folder = d.folder.as_deref().map(|f| {
        json!({"folderUid": slug(f), "folderTitle": f, "folderUrl": format!("/dashboards/f/{}/{}", slug(f), slug(f))})
    });
    let slug = slug(title);
    let mut out = json!({
        "id": i + 1, "uid": uid, "title": title, "uri": format!("db/{slug}"),
        "url": format!("/d/{uid}/{slug}"), "slug": "", "type": "dash-db",
        "tags": m["tags"].clone(), "isStarred": false, "sortMeta": 0,
    });
    if let (Some(Value::Object(f)), Value::Object(o)) = (folder, &mut out) {
        o.extend(f);
    }
    out
}

async fn search(
    State(g): State<Arc<FakeGrafana>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(r) = g.gate(&headers).await {
        return r;
    }
    let mut tags = Vec::new();
    let mut params: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(q.unwrap_or_default().as_bytes()) {
        if k == "tag" {
            tags.push(v.to_string());
        } else {
            params.insert(k.to_string(), v.to_string());
        }
    }
    if params.get("type").is_some_and(|t| t == "dash-folder") {
        return Json(json!([])).into_response();
    }
    let query = params
        .get("query")
        .map(|q| q.to_lowercase())
        .unwrap_or_default();
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(1000)
        .min(5000);
    let all = g.dashboards.read().unwrap_or_else(|e| e.into_inner());
    let mut found: Vec<(usize, &FakeDashboard)> = all
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            let has: Vec<&str> = d.model["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let title = d.model["title"].as_str().unwrap_or_default().to_lowercase();
            tags.iter().all(|t| has.contains(&t.as_str())) && title.contains(&query)
        })
        .collect();
    found.sort_by_key(|(_, d)| d.model["title"].as_str().unwrap_or_default().to_lowercase());
    let hits: Vec<Value> = found
        .into_iter()
        .take(limit)
        .map(|(i, d)| hit(i, d))
        .collect();
    Json(Value::Array(hits)).into_response()
}

async fn dashboard(
    State(g): State<Arc<FakeGrafana>>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    if let Some(r) = g.gate(&headers).await {
        return r;
    }
    let all = g.dashboards.read().unwrap_or_else(|e| e.into_inner());
    let Some((i, d)) = all
        .iter()
        .enumerate()
        .find(|(_, d)| d.model["uid"].as_str() == Some(uid.as_str()))
    else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"message": "Dashboard not found"})),
        )
            .into_response();
    };
    let h = hit(i, d);
    let meta = json!({
        "type": "db", "canSave": false, "canEdit": false, "canStar": true,
        "slug": slug(d.model["title"].as_str().unwrap_or_default()), "url": h["url"],
        "folderTitle": d.folder.clone().unwrap_or_else(|| "General".into()),
        "folderUid": h.get("folderUid").cloned().unwrap_or(json!("")),
    });
    Json(json!({"dashboard": d.model, "meta": meta})).into_response()
}

/// A dashboard's page (where "Open in Grafana" leads): this fake has no UI, so it says so.
async fn page(
    State(g): State<Arc<FakeGrafana>>,
    Path((uid, _)): Path<(String, String)>,
) -> Response {
    let all = g.dashboards.read().unwrap_or_else(|e| e.into_inner());
    let Some(d) = all
        .iter()
        .find(|d| d.model["uid"].as_str() == Some(uid.as_str()))
    else {
        return (StatusCode::NOT_FOUND, "Dashboard not found").into_response();
    };
    let title: String = d.model["title"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() || " -·".contains(*c))
        .collect();
    Html(format!("<!doctype html><title>{title}</title><h1>{title}</h1><p>This is the demo's fake Grafana: it answers Grafana's HTTP API, and has no dashboard UI.</p>")).into_response()
}
