//! One panel as an SVG line chart, drawn on the server: axes with ticks and units, a line per
//! series (gaps where Prometheus had no number), a legend with each series' last value, and
//! hover values (a column per slice of time: a marker line and the values then, shown by CSS;
//! the same text as the column's `<title>`). No script.

use chrono::DateTime;
use leptos::prelude::*;
use trellis_shared::views::dashboards::Chart;

use trellis_services::dashboards::CHART_WIDTH;

const H: f64 = 200.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 24.0;
/// Hover columns per chart.
const COLUMNS: usize = 48;
/// Line colours (classes of `drawer.css`).
const COLOURS: usize = 6;

/// `v` in `unit` (Grafana's unit ids), three significant digits.
pub fn value(v: f64, unit: &str) -> String {
    let scaled = |v: f64, base: f64, names: &[&str]| {
        let mut v = v;
        let mut i = 0;
        while v.abs() >= base && i + 1 < names.len() {
            v /= base;
            i += 1;
        }
        format!("{}{}", num(v), names[i])
    };
    match unit {
        "percent" => format!("{}%", num(v)),
        "percentunit" => format!("{}%", num(v * 100.0)),
        "bytes" => scaled(v, 1024.0, &[" B", " KiB", " MiB", " GiB", " TiB"]),
        "decbytes" => scaled(v, 1000.0, &[" B", " kB", " MB", " GB", " TB"]),
        "Bps" | "binBps" => scaled(v, 1024.0, &[" B/s", " KiB/s", " MiB/s", " GiB/s"]),
        "s" if v.abs() < 1.0 && v != 0.0 => format!("{} ms", num(v * 1000.0)),
        "s" if v.abs() >= 3600.0 => format!("{} h", num(v / 3600.0)),
        "s" if v.abs() >= 60.0 => format!("{} min", num(v / 60.0)),
        "s" => format!("{} s", num(v)),
        "ms" if v.abs() >= 1000.0 => format!("{} s", num(v / 1000.0)),
        "ms" => format!("{} ms", num(v)),
        "reqps" => format!("{} req/s", scaled(v, 1000.0, &["", "k", "M"])),
        "ops" => format!("{} ops/s", scaled(v, 1000.0, &["", "k", "M"])),
        "none" => num(v),
        _ => scaled(v, 1000.0, &["", "k", "M", "G", "T"]),
    }
}

/// Three significant digits, no trailing zeros.
fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Tick values from `lo` to `hi`: about four, on round numbers.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(f64::EPSILON);
    let raw = span / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut out = Vec::new();
    let mut t = (lo / step).ceil() * step;
    while t <= hi + step * 1e-9 && out.len() < 10 {
        out.push(t);
        t += step;
    }
    out
}

/// The chart of `c` over the range queried, from `t0` to `t1` (Unix seconds).
pub fn chart(c: Chart, t0: i64, t1: i64) -> AnyView {
    let w = f64::from(CHART_WIDTH);
    let values: Vec<f64> = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let head = view! { <h4 class="chart-title">{c.title.clone()}</h4> };
    let note = c
        .problem
        .clone()
        .map(|p| view! { <p class="widget-note warn">{p}</p> });
    if values.is_empty() || t1 <= t0 {
        let empty = c
            .problem
            .is_none()
            .then(|| view! { <p class="muted small">"No data in this range."</p> });
        return view! { <figure class="chart">{head}{note}{empty}</figure> }.into_any();
    }
    let lo = values
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .min(0.0);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !hi.is_finite() || hi <= lo {
        hi = lo + 1.0;
    }
    let span_t = (t1 - t0).max(1) as f64;
    let x = move |t: i64| LEFT + (t - t0) as f64 / span_t * (w - LEFT - RIGHT);
    let y = move |v: f64| TOP + (1.0 - (v - lo) / (hi - lo)) * (H - TOP - BOTTOM);
    let unit = c.unit.clone();
    let y_ticks = ticks(lo, hi).into_iter().map(|v| {
        let py = y(v);
        view! {
            <line class="grid" x1=LEFT x2=w - RIGHT y1=py y2=py/>
            <text class="tick" x=LEFT - 6.0 y=py + 4.0 text-anchor="end">{value(v, &unit)}</text>
        }
    });
    let long = t1 - t0 > 86_400;
    let label = move |t: i64| {
        let d = DateTime::from_timestamp(t, 0).unwrap_or_default();
        if long {
            d.format("%a %H:%M").to_string()
        } else {
            d.format("%H:%M").to_string()
        }
    };
    let x_ticks = (0..5).map(|i| {
        let t = t0 + (t1 - t0) * i / 4;
        let anchor = match i {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        view! { <text class="tick" x=x(t) y=H - 6.0 text-anchor=anchor>{label(t)}</text> }
    });
    let lines = c.series.iter().enumerate().map(|(i, s)| {
        let mut runs: Vec<String> = Vec::new();
        let mut run = String::new();
        for (t, v) in s.times.iter().zip(&s.values) {
            match v {
                Some(v) => run.push_str(&format!("{:.1},{:.1} ", x(*t), y(*v))),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
        let class = format!("line s{}", i % COLOURS);
        runs.into_iter()
            .map(|points| view! { <polyline class=class.clone() points=points/> })
            .collect_view()
    });
    let hover = hover_columns(&c, t0, t1, &x, &label);
    let legend = c.series.iter().enumerate().map(|(i, s)| {
        let last = s.values.iter().rev().flatten().next().map(|v| value(*v, &c.unit)).unwrap_or_else(|| "no value".into());
        view! { <li><span class=format!("swatch s{}", i % COLOURS)></span>{s.name.clone()}" "<b>{last}</b></li> }
    });
    let summary = format!(
        "{}: {} series from {} to {} UTC",
        c.title,
        c.series.len(),
        label(t0),
        label(t1)
    );
    let more = (c.more_series > 0)
        .then(|| view! { <li class="muted">{format!("and {} more series", c.more_series)}</li> });
    view! {
        <figure class="chart">
            {head}
            {note}
            <svg viewBox=format!("0 0 {w} {H}") role="img" aria-label=summary class="chart-svg">
                {y_ticks.collect_view()}
                {x_ticks.collect_view()}
                {lines.collect_view()}
                {hover}
            </svg>
            <ul class="legend">{legend.collect_view()}{more}</ul>
        </figure>
    }
    .into_any()
}

/// The hover columns: for each slice of time, the values nearest its middle.
fn hover_columns(
    c: &Chart,
    t0: i64,
    t1: i64,
    x: &impl Fn(i64) -> f64,
    label: &impl Fn(i64) -> String,
) -> impl IntoView {
    let w = f64::from(CHART_WIDTH);
    let col_w = (w - LEFT - RIGHT) / COLUMNS as f64;
    let span = (t1 - t0) / COLUMNS as i64;
    (0..COLUMNS)
        .map(|i| {
            let t = t0 + ((t1 - t0) as f64 * (i as f64 + 0.5) / COLUMNS as f64) as i64;
            let rows: Vec<String> = c
                .series
                .iter()
                .filter_map(|s| {
                    // The sample nearest the column's middle, when one lies within the column.
                    let k = s.times.partition_point(|x| *x < t).min(s.times.len().saturating_sub(1));
                    let near = s.times.get(k).is_some_and(|x| (x - t).abs() <= span.max(1));
                    let v = s.values.get(k).copied().flatten().filter(|_| near)?;
                    Some(format!("{}: {}", s.name, value(v, &c.unit)))
                })
                .collect();
            let px = x(t);
            let left = px > w / 2.0;
            let tx = if left { px - 8.0 } else { px + 8.0 };
            let anchor = if left { "end" } else { "start" };
            let text = format!("{} UTC\n{}", label(t), rows.join("\n"));
            let lines = std::iter::once(format!("{} UTC", label(t))).chain(rows).enumerate().map(|(k, line)| {
                view! { <text x=tx y=TOP + 14.0 + 14.0 * k as f64 text-anchor=anchor>{line}</text> }
            });
            view! {
                <g class="hover">
                    <title>{text}</title>
                    <rect class="hit" x=LEFT + col_w * i as f64 y=TOP width=col_w height=H - TOP - BOTTOM/>
                    <line class="mark" x1=px x2=px y1=TOP y2=H - BOTTOM/>
                    <g class="tip">{lines.collect_view()}</g>
                </g>
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;
    use trellis_shared::views::dashboards::Series;

    #[test]
    fn values_read_in_their_units() {
        assert_eq!(value(1536.0, "bytes"), "1.5 KiB");
        assert_eq!(value(0.25, "s"), "250 ms");
        assert_eq!(value(12.345, "percent"), "12.3%");
        assert_eq!(value(0.5, "percentunit"), "50%");
        assert_eq!(value(1234.0, "reqps"), "1.23k req/s");
        assert_eq!(value(2_500_000.0, "short"), "2.5M");
        assert_eq!(ticks(0.0, 9.0), vec![0.0, 2.5, 5.0, 7.5]);
    }

    #[test]
    fn a_chart_has_axes_lines_with_gaps_and_hover_values() {
        let c = Chart {
            title: "Requests".into(),
            unit: "reqps".into(),
            series: vec![Series {
                name: "feed".into(),
                times: vec![0, 60, 120, 180],
                values: vec![Some(1.0), None, Some(3.0), Some(4.0)],
            }],
            problem: None,
            more_series: 2,
        };
        let html = chart(c, 0, 180).to_html();
        assert_eq!(
            html.matches("<polyline").count(),
            2,
            "a gap splits the line"
        );
        assert!(html.contains("4 req/s"), "the legend's last value");
        assert!(html.contains("and 2 more series"));
        assert_eq!(html.matches("class=\"hover\"").count(), COLUMNS);
        assert!(html.contains("00:02 UTC"), "hover times");
        assert!(html.contains("aria-label=\"Requests: 1 series"));
    }
}
