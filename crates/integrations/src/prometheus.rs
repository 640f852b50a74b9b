//! Prometheus: range queries for the dashboard drawer's charts.
//!
//! API contract (<https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries>):
//! - `GET /api/v1/query_range?query=&start=&end=&step=` (Unix seconds; `step` in seconds).
//! - Success: `{"status": "success", "data": {"resultType": "matrix", "result": [{"metric":
//!   {labels}, "values": [[<unix time>, "<value>"], ...]}]}}`; values are strings and may be
//!   `NaN`, `+Inf`, `-Inf`.
//! - Failure: `{"status": "error", "errorType": "bad_data" | "execution" | "timeout" | ...,
//!   "error": "..."}` with 400 (bad parameters), 422 (cannot run), 503 (timed out or aborted).
//! - A query asking for more than 11,000 points per series is refused ("exceeded maximum
//!   resolution of 11,000 points per timeseries"): [`step_for`] never asks for that.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use serde::{Deserialize, Serialize};
use trellis_shared::views::dashboards::Series;

use crate::{Upstream, UpstreamError};

/// Prometheus's own limit on points per series.
pub const MAX_POINTS: u64 = 11_000;

/// Most series one query returns to a chart (the rest are counted).
pub const MAX_SERIES: usize = 10;

/// The longest expression sent.
pub const MAX_EXPR: usize = 4_000;

/// `prometheus.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PrometheusConfig {
    /// Where the dashboards' Prometheus panels are queried, `http://prometheus:9090`.
    pub base_url: Option<String>,
    /// Its scrape interval in seconds (Grafana's `$__rate_interval` needs it; default 15).
    pub scrape_interval_secs: Option<u64>,
}

impl PrometheusConfig {
    /// Whether charts are drawn.
    pub fn enabled(&self) -> bool {
        self.base_url
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty())
    }

    /// The scrape interval (seconds).
    pub fn scrape_interval(&self) -> u64 {
        self.scrape_interval_secs.unwrap_or(15)
    }

    /// What is wrong with it, as `key: message`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(u) = self.base_url.as_deref().filter(|u| !u.trim().is_empty()) {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                out.push(format!(
                    "prometheus.baseUrl: must be an http(s) URL, not '{u}'"
                ));
            }
        }
        if !(1..=3600).contains(&self.scrape_interval()) {
            out.push("prometheus.scrapeIntervalSecs: must be between 1 and 3600".into());
        }
        out
    }
}

/// The step (seconds) for a chart `width_px` wide over `range_secs`: about one point per two
/// pixels, rounded up to a step people read (10 s, 1 min, 5 min, ...), and never so small that
/// a series would pass [`MAX_POINTS`], whatever the width and range asked.
pub fn step_for(range_secs: u64, width_px: u32) -> u64 {
    const NICE: [u64; 16] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 86_400,
    ];
    let points = u64::from((width_px / 2).clamp(10, 2_000));
    let raw = range_secs.div_ceil(points).max(1);
    let step = NICE
        .iter()
        .copied()
        .find(|n| *n >= raw)
        .unwrap_or(raw.div_ceil(86_400) * 86_400);
    // The bound itself: `range / step + 1` points at most.
    step.max(range_secs.div_ceil(MAX_POINTS - 1))
}

/// The answer to one range query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    /// At most [`MAX_SERIES`] series: their labels and points.
    pub series: Vec<(BTreeMap<String, String>, Series)>,
    /// Series left out.
    pub more: usize,
}

/// What Trellis asks Prometheus.
pub trait PrometheusApi: Send + Sync + 'static {
    /// `expr` from `start` to `end` (Unix seconds) every `step` seconds.
    fn range(
        &self,
        expr: String,
        start: i64,
        end: i64,
        step: u64,
    ) -> BoxFuture<'_, Result<Matrix, UpstreamError>>;
    /// The upstream behind it.
    fn upstream(&self) -> &Upstream;
}

/// The HTTP client.
#[derive(Debug)]
pub struct PrometheusClient {
    upstream: Arc<Upstream>,
    base_url: String,
}

#[derive(Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    #[serde(default)]
    result: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

impl PrometheusClient {
    /// A client for `config` (enabled) calling through `upstream`.
    pub fn new(config: &PrometheusConfig, upstream: Arc<Upstream>) -> Self {
        let base = config.base_url.as_deref().unwrap_or_default().trim();
        Self {
            upstream,
            base_url: base.trim_end_matches('/').to_string(),
        }
    }

    async fn fetch(
        &self,
        expr: String,
        start: i64,
        end: i64,
        step: u64,
    ) -> Result<Matrix, UpstreamError> {
        let up = &self.upstream;
        let local = |m: &str| UpstreamError::Local(m.to_string());
        if expr.trim().is_empty() || expr.len() > MAX_EXPR {
            return Err(local("the query is empty or longer than 4000 characters"));
        }
        let points = u64::try_from(end - start).unwrap_or(u64::MAX) / step.max(1) + 1;
        if end < start || step == 0 || points > MAX_POINTS {
            return Err(local(
                "the range asks for more than 11,000 points per series",
            ));
        }
        let (start, end, step) = (start.to_string(), end.to_string(), step.to_string());
        let answer = up
            .call("query_range", true, |http| {
                http.get(format!("{}/api/v1/query_range", self.base_url))
                    .query(&[
                        ("query", expr.as_str()),
                        ("start", &start),
                        ("end", &end),
                        ("step", &step),
                    ])
            })
            .await?;
        let answer: Answer = up.json(&answer)?;
        let decode = |detail: String| UpstreamError::Decode {
            upstream: up.name(),
            detail,
        };
        if answer.status != "success" {
            return Err(decode(
                answer
                    .error
                    .unwrap_or_else(|| "status is not success".into()),
            ));
        }
        let data = answer.data.ok_or_else(|| decode("no data".into()))?;
        if data.result_type != "matrix" {
            return Err(decode(format!(
                "a {} answer, not a matrix",
                data.result_type
            )));
        }
        let more = data.result.len().saturating_sub(MAX_SERIES);
        let series = data
            .result
            .into_iter()
            .take(MAX_SERIES)
            .map(|item| {
                let (times, values) = item
                    .values
                    .iter()
                    .take(MAX_POINTS as usize)
                    .map(|(t, v)| {
                        (
                            t.floor() as i64,
                            v.parse::<f64>().ok().filter(|v| v.is_finite()),
                        )
                    })
                    .unzip();
                let name = String::new();
                (
                    item.metric,
                    Series {
                        name,
                        times,
                        values,
                    },
                )
            })
            .collect();
        Ok(Matrix { series, more })
    }
}

impl PrometheusApi for PrometheusClient {
    fn range(
        &self,
        expr: String,
        start: i64,
        end: i64,
        step: u64,
    ) -> BoxFuture<'_, Result<Matrix, UpstreamError>> {
        self.fetch(expr, start, end, step).boxed()
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_follows_the_width_and_never_passes_the_limit() {
        // An hour on 720 px: 360 points, every 10 s.
        assert_eq!(step_for(3600, 720), 10);
        // A day on 720 px: every 5 min.
        assert_eq!(step_for(86_400, 720), 300);
        // Whatever is asked, at most 11,000 points.
        for range in [
            1,
            59,
            3600,
            86_400,
            30 * 86_400,
            365 * 86_400,
            u32::MAX as u64,
        ] {
            for width in [0, 1, 100, 720, 4000, u32::MAX] {
                let step = step_for(range, width);
                assert!(
                    step >= 1 && range / step < MAX_POINTS,
                    "{range} {width} {step}"
                );
            }
        }
    }
}
