//! A fake Atlassian Statuspage page: `GET /api/v2/summary.json`, the public Status API that
//! vendor status pages (githubstatus.com, status.atlassian.com and most others) serve without
//! authentication. Contract: <https://developer.statuspage.io/#section/Status-API> and a page's
//! own `/api` documentation (for example <https://www.githubstatus.com/api>): `page` (`id`,
//! `name`, `url`, `updated_at`), `status` (`indicator`: none, minor, major, critical;
//! `description`), `components` (`name`, `status`: operational, degraded_performance,
//! partial_outage, major_outage, under_maintenance; `group`, `only_show_if_degraded`),
//! `incidents` (unresolved only: `name`, `status`, `impact`, `shortlink`, `created_at`) and
//! `scheduled_maintenances`. Several pages share one server, each under its own path (`/status/<prefix>`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::Faults;

/// Fake status pages, by path prefix (`github` serves `/status/github/api/v2/summary.json`).
#[derive(Debug, Default)]
pub struct FakeStatuspage {
    pages: Mutex<BTreeMap<String, Value>>,
    /// Injected misbehaviour.
    pub faults: Faults,
}

/// A component of a page and its status.
pub type Component<'a> = (&'a str, &'a str);

impl FakeStatuspage {
    /// No pages yet.
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Serves page `prefix` named `name` with `components` and `incidents` (name, impact).
    pub fn set_page(
        &self,
        prefix: &str,
        name: &str,
        components: &[Component],
        incidents: &[(&str, &str)],
    ) {
        let worst = incidents
            .iter()
            .map(|(_, impact)| match *impact {
                "critical" => 3,
                "major" => 2,
                "minor" => 1,
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        let (indicator, description) = match worst {
            0 => ("none", "All Systems Operational"),
            1 => ("minor", "Minor Service Outage"),
            2 => ("major", "Partial System Outage"),
            _ => ("critical", "Major System Outage"),
        };
        let now = chrono_now();
        let id = format!("{prefix}0page");
        let page = json!({
            "page": {"id": id, "name": name, "url": format!("https://status.{prefix}.example"),
                     "time_zone": "Etc/UTC", "updated_at": now},
            "status": {"indicator": indicator, "description": description},
            "components": components.iter().enumerate().map(|(i, (c, status))| json!({
                "id": format!("{prefix}c{i}"), "name": c, "status": status, "created_at": now,
                "updated_at": now, "position": i + 1, "description": null, "showcase": true,
                "start_date": null, "group_id": null, "page_id": id, "group": false,
                "only_show_if_degraded": false
            })).collect::<Vec<_>>(),
            "incidents": incidents.iter().enumerate().map(|(i, (n, impact))| json!({
                "id": format!("{prefix}i{i}"), "name": n, "status": "investigating",
                "created_at": now, "updated_at": now, "monitoring_at": null, "resolved_at": null,
                "impact": impact, "shortlink": format!("https://stspg.example/{prefix}{i}"),
                "started_at": now, "page_id": id, "incident_updates": [], "components": []
            })).collect::<Vec<_>>(),
            "scheduled_maintenances": []
        });
        self.pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(prefix.to_string(), page);
    }

    /// The demo's vendor status pages: GitHub with a minor incident, Atlassian all operational.
    pub fn demo() -> Arc<Self> {
        let pages = Self::new();
        pages.set_page(
            "github",
            "GitHub",
            &[
                ("Git Operations", "operational"),
                ("API Requests", "operational"),
                ("Pull Requests", "degraded_performance"),
                ("Actions", "operational"),
            ],
            &[("Delays in pull request check runs", "minor")],
        );
        pages.set_page(
            "atlassian",
            "Atlassian",
            &[
                ("Jira Software", "operational"),
                ("Confluence", "operational"),
            ],
            &[],
        );
        pages
    }

    /// The fake's routes.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/status/{prefix}/api/v2/summary.json", get(summary))
            .with_state(self.clone())
    }
}

fn chrono_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

async fn summary(State(fake): State<Arc<FakeStatuspage>>, Path(prefix): Path<String>) -> Response {
    if fake.faults.apply().await {
        return (StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response();
    }
    let page = fake
        .pages
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&prefix)
        .cloned();
    match page {
        Some(page) => Json(page).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "The page you are looking for doesn't exist.",
        )
            .into_response(),
    }
}
