//! A dashboard's charts: its Prometheus panels ([`trellis_dashboards::panels`]) queried over a
//! range with a step chosen from the chart's width (never over Prometheus's 11,000 points),
//! each query's answer remembered for 30 s, the panels queried concurrently.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use trellis_dashboards::panels::{self, Panel, Timing};
use trellis_integrations::prometheus::{step_for, Matrix, MAX_SERIES};
use trellis_shared::views::dashboards::{Chart, DashboardCharts};

use crate::{ServiceError, ServiceResult, Services};

/// The drawer's chart width in pixels (its SVG's width).
pub const CHART_WIDTH: u32 = 720;

/// The ranges a drawer offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// The last hour.
    Hour,
    /// The last 6 hours.
    SixHours,
    /// The last day.
    Day,
    /// The last week.
    Week,
}

impl Range {
    /// Every range, shortest first.
    pub const ALL: [Range; 4] = [Range::Hour, Range::SixHours, Range::Day, Range::Week];

    /// Its name in URLs (`1h`, `6h`, `24h`, `7d`).
    pub fn name(self) -> &'static str {
        match self {
            Range::Hour => "1h",
            Range::SixHours => "6h",
            Range::Day => "24h",
            Range::Week => "7d",
        }
    }

    /// Its length in seconds.
    pub fn secs(self) -> u64 {
        match self {
            Range::Hour => 3600,
            Range::SixHours => 6 * 3600,
            Range::Day => 86_400,
            Range::Week => 7 * 86_400,
        }
    }

    /// The range named `name`, or the error naming it.
    pub fn parse(name: &str) -> ServiceResult<Range> {
        Range::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| {
                let shown: String = name.chars().filter(|c| !c.is_control()).take(20).collect();
                ServiceError::Input(format!("range: '{shown}' is not one of 1h, 6h, 24h, 7d"))
            })
    }
}

/// Range query answers by query, start, end and step.
pub(crate) type Ranges = moka::future::Cache<String, Arc<Matrix>>;

/// A new cache of range query answers.
pub(crate) fn ranges() -> Ranges {
    moka::future::Cache::builder()
        .max_capacity(2_000)
        .time_to_live(Duration::from_secs(30))
        .build()
}

impl Services {
    /// Dashboard `uid`'s charts over `range`, for charts `width` pixels wide (200 to 4000).
    pub async fn dashboard_charts(
        &self,
        uid: &str,
        range: Range,
        width: u32,
    ) -> ServiceResult<DashboardCharts> {
        if !(200..=4000).contains(&width) {
            return Err(ServiceError::Input(format!(
                "width: {width} is not between 200 and 4000 pixels"
            )));
        }
        let d = self.dashboard(super::uid(uid)?).await?;
        let step = step_for(range.secs(), width);
        // Now, to 5 s: fresh enough to show the last samples, and the same for every open in
        // those 5 s, so their queries share one cached answer.
        let end = chrono::Utc::now().timestamp() / 5 * 5;
        let start = end - i64::try_from(range.secs()).unwrap_or(0);
        let timing = Timing {
            step,
            range: range.secs(),
            scrape: self.dashboards.scrape,
        };
        let extracted = panels::extract(&d.model, timing);
        let charts = join_all(
            extracted
                .panels
                .iter()
                .map(|p| self.chart(p, start, end, step)),
        )
        .await;
        Ok(DashboardCharts {
            dashboard: d.reference.clone(),
            range: range.name().into(),
            start,
            end,
            step,
            charts,
            skipped: extracted.skipped,
        })
    }

    async fn chart(&self, panel: &Panel, start: i64, end: i64, step: u64) -> Chart {
        let mut chart = Chart {
            title: panel.title.clone(),
            unit: panel.unit.clone(),
            series: Vec::new(),
            problem: None,
            more_series: 0,
        };
        let Some(prometheus) = self.dashboards.prometheus.clone() else {
            chart.problem =
                Some("Prometheus is not configured on this portal (prometheus.baseUrl)".into());
            return chart;
        };
        for target in &panel.targets {
            let key = format!("{}\u{0}{start}\u{0}{end}\u{0}{step}", target.expr);
            let (p, expr) = (prometheus.clone(), target.expr.clone());
            let answer = self
                .dashboards
                .ranges
                .try_get_with(key, async move {
                    p.range(expr, start, end, step).await.map(Arc::new)
                })
                .await;
            match answer {
                Ok(m) => {
                    chart.more_series += m.more;
                    for (labels, series) in m.series.iter() {
                        if chart.series.len() == MAX_SERIES {
                            chart.more_series += 1;
                            continue;
                        }
                        let mut s = series.clone();
                        s.name = panels::legend(&target.legend, labels);
                        chart.series.push(s);
                    }
                }
                Err(e) => chart.problem = Some(e.to_string()),
            }
        }
        chart
    }
}
