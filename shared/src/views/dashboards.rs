//! Dashboards: the Grafana dashboards a person viewed recently (recorded by Trellis: Grafana
//! has no API for that) and those of the components their teams own, and a dashboard's charts
//! drawn from Prometheus, for the drawer that opens in place.

use serde::{Deserialize, Serialize};

/// A Grafana dashboard, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DashboardRef {
    /// Its Grafana uid.
    pub uid: String,
    /// Its title.
    pub title: String,
    /// Its page in Grafana (absolute URL).
    pub url: String,
    /// Its Grafana folder, when in one.
    pub folder: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
}

/// A dashboard of components the person's teams own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OwnedDashboard {
    /// The dashboard.
    pub dashboard: DashboardRef,
    /// The owned entities whose annotation selects it (refs).
    pub entities: Vec<String>,
}

/// A person's dashboards.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MyDashboards {
    /// Viewed through Trellis, the latest first, with when (RFC 3339).
    pub recent: Vec<ViewedDashboard>,
    /// Selected by the owned entities' `grafana/dashboard-selector` (or `grafana/tag`).
    pub owned: Vec<OwnedDashboard>,
    /// Owned entities with a selector Trellis cannot read, and why (`ref: reason`).
    pub problems: Vec<String>,
}

/// A dashboard viewed recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ViewedDashboard {
    /// The dashboard as it was when viewed.
    pub dashboard: DashboardRef,
    /// When (RFC 3339).
    pub viewed_at: String,
}

/// A dashboard's charts over a time range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DashboardCharts {
    /// The dashboard.
    pub dashboard: DashboardRef,
    /// The range (`1h`, `6h`, `24h`, `7d`).
    pub range: String,
    /// Start and end (Unix seconds) and the step (seconds) every chart was queried with.
    pub start: i64,
    /// End (Unix seconds).
    pub end: i64,
    /// Step (seconds).
    pub step: u64,
    /// One per panel drawn, in the dashboard's order.
    pub charts: Vec<Chart>,
    /// Panels left out, and why (`title: reason`).
    pub skipped: Vec<String>,
}

/// One panel's chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Chart {
    /// The panel's title.
    pub title: String,
    /// Grafana's unit id (`short`, `percent`, `bytes`, `s`, `reqps`, ...).
    pub unit: String,
    /// Its lines.
    pub series: Vec<Series>,
    /// What went wrong for it (Prometheus's error), when something did.
    pub problem: Option<String>,
    /// Series left out past the chart's limit.
    pub more_series: usize,
}

/// One line: a name and its points, oldest first, as two columns of equal length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Series {
    /// Its legend.
    pub name: String,
    /// The points' times (Unix seconds).
    pub times: Vec<i64>,
    /// The points' values (`null`: not a number there, e.g. NaN or a gap).
    pub values: Vec<Option<f64>>,
}
