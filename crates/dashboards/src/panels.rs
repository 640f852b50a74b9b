//! A Grafana dashboard's model as charts to draw: its Prometheus panels (in rows too), each
//! with its unit and queries, Grafana's variables filled in as Grafana would.
//!
//! Model reference: <https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/>
//! (`panels[]` with `type`, `title`, `datasource`, `targets[] {expr, legendFormat, hide}`,
//! `fieldConfig.defaults.unit`; collapsed rows hold their `panels`; `templating.list[]` with
//! `current.value`). Variables: <https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#global-variables>
//! (`$__interval`, `$__rate_interval` = max(`$__interval` + scrape interval, 4 × scrape
//! interval), `$__range`), written `$name`, `${name}`, `${name:format}` or `[[name]]`.

use std::collections::BTreeMap;

use serde_json::Value;

/// Most panels drawn from one dashboard.
pub const MAX_PANELS: usize = 12;

/// Most queries drawn per panel.
pub const MAX_TARGETS: usize = 4;

/// Panel types drawn as time series.
const DRAWN: [&str; 5] = ["timeseries", "graph", "stat", "gauge", "bargauge"];

/// A panel to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    /// Its title.
    pub title: String,
    /// Grafana's unit id.
    pub unit: String,
    /// Its queries.
    pub targets: Vec<Target>,
}

/// One query of a panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The PromQL, variables filled in.
    pub expr: String,
    /// Its legend format (`{{job}}`), empty for Prometheus's own series names.
    pub legend: String,
}

/// The panels to draw, and those left out with why (`title: reason`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extracted {
    /// To draw, in the dashboard's order.
    pub panels: Vec<Panel>,
    /// Left out.
    pub skipped: Vec<String>,
}

/// The query's time frame, for Grafana's global variables.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Step, seconds.
    pub step: u64,
    /// Range, seconds.
    pub range: u64,
    /// Prometheus's scrape interval, seconds.
    pub scrape: u64,
}

/// The panels of `model` to draw over `timing`.
pub fn extract(model: &Value, timing: Timing) -> Extracted {
    let vars = variables(model, timing);
    let mut out = Extracted::default();
    let mut flat = Vec::new();
    for p in model["panels"].as_array().into_iter().flatten() {
        flat.push(p);
        flat.extend(p["panels"].as_array().into_iter().flatten());
    }
    for p in flat {
        let kind = p["type"].as_str().unwrap_or_default();
        let title = p["title"].as_str().unwrap_or("Untitled").trim().to_string();
        if kind == "row" {
            continue;
        }
        let mut skip = |why: &str| out.skipped.push(format!("{title}: {why}"));
        if !DRAWN.contains(&kind) {
            skip(&format!("a {kind} panel; open it in Grafana"));
            continue;
        }
        if !is_prometheus(&p["datasource"]) {
            skip("not a Prometheus panel; open it in Grafana");
            continue;
        }
        if out.panels.len() == MAX_PANELS {
            skip(&format!("the drawer shows {MAX_PANELS} panels at most"));
            continue;
        }
        let mut targets = Vec::new();
        let mut problem = None;
        for t in p["targets"].as_array().into_iter().flatten() {
            let Some(expr) = t["expr"].as_str().filter(|e| !e.trim().is_empty()) else {
                continue;
            };
            if t["hide"].as_bool() == Some(true) || !is_prometheus(&t["datasource"]) {
                continue;
            }
            match fill(expr, &vars) {
                Ok(expr) if targets.len() < MAX_TARGETS => targets.push(Target {
                    expr,
                    legend: t["legendFormat"].as_str().unwrap_or_default().to_string(),
                }),
                Ok(_) => {}
                Err(e) => problem = Some(e),
            }
        }
        if targets.is_empty() {
            skip(&problem.unwrap_or_else(|| "no Prometheus query".into()));
            continue;
        }
        let unit = p["fieldConfig"]["defaults"]["unit"]
            .as_str()
            .or_else(|| p["yaxes"][0]["format"].as_str())
            .unwrap_or("short");
        out.panels.push(Panel {
            title,
            unit: unit.to_string(),
            targets,
        });
    }
    out
}

/// Whether a `datasource` value may be Prometheus: absent (the default), a variable or name,
/// or an object of type `prometheus`.
fn is_prometheus(ds: &Value) -> bool {
    match ds {
        Value::Object(o) => o
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(|t| t == "prometheus" || t.starts_with("${") || t.starts_with('$')),
        Value::String(s) => !s.contains("Mixed") && !s.eq_ignore_ascii_case("-- Dashboard --"),
        _ => true,
    }
}

/// The dashboard's variables (current values) and Grafana's global ones.
fn variables(model: &Value, t: Timing) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    let rate = (t.step + t.scrape).max(4 * t.scrape);
    for (k, v) in [
        ("__interval", format!("{}s", t.step)),
        ("__interval_ms", (t.step * 1000).to_string()),
        ("__rate_interval", format!("{rate}s")),
        ("__range", format!("{}s", t.range)),
        ("__range_s", t.range.to_string()),
        ("__range_ms", (t.range * 1000).to_string()),
    ] {
        vars.insert(k.to_string(), v);
    }
    for v in model["templating"]["list"].as_array().into_iter().flatten() {
        let Some(name) = v["name"].as_str() else {
            continue;
        };
        let all = v["allValue"].as_str().unwrap_or(".*").to_string();
        let one = |x: &Value| match x.as_str() {
            Some("$__all") | Some("All") => Some(all.clone()),
            Some(s) => Some(s.to_string()),
            None => None,
        };
        let value = match &v["current"]["value"] {
            Value::Array(items) => {
                let values: Vec<String> = items.iter().filter_map(one).collect();
                match values.as_slice() {
                    [one] => Some(one.clone()),
                    [] => None,
                    many => Some(format!("({})", many.join("|"))),
                }
            }
            x => one(x),
        };
        if let Some(value) = value {
            vars.insert(name.to_string(), value);
        }
    }
    vars
}

/// `expr` with its variables filled in; an error names one it does not know.
fn fill(expr: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(i) = rest.find(['$', '[']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (name, len) = if let Some(inner) = tail.strip_prefix("${") {
            match inner.find('}') {
                Some(end) => (inner[..end].split(':').next().unwrap_or_default(), end + 3),
                None => ("", 0),
            }
        } else if let Some(inner) = tail.strip_prefix("[[") {
            match inner.find("]]") {
                Some(end) => (inner[..end].split(':').next().unwrap_or_default(), end + 4),
                None => ("", 0),
            }
        } else if let Some(inner) = tail.strip_prefix('$') {
            let end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            (&inner[..end], end + 1)
        } else {
            ("", 0)
        };
        if name.is_empty() || len == 0 {
            let c = tail.chars().next().unwrap_or('$');
            out.push(c);
            rest = &tail[c.len_utf8()..];
            continue;
        }
        let value = vars
            .get(name)
            .ok_or_else(|| format!("its query uses ${name}, which Trellis cannot fill in"))?;
        out.push_str(value);
        rest = &tail[len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A series' legend: `format`'s `{{label}}`s filled from `labels`, else Prometheus's own
/// name for it (`metric{a="b"}`).
pub fn legend(format: &str, labels: &BTreeMap<String, String>) -> String {
    if format.trim().is_empty() || format == "__auto" {
        let name = labels.get("__name__").cloned().unwrap_or_default();
        let pairs: Vec<String> = labels
            .iter()
            .filter(|(k, _)| *k != "__name__")
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        return match (name.is_empty(), pairs.is_empty()) {
            (_, true) if !name.is_empty() => name,
            (true, true) => "value".into(),
            _ => format!("{name}{{{}}}", pairs.join(", ")),
        };
    }
    let mut out = String::new();
    let mut rest = format;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i..].find("}}") else {
            break;
        };
        let key = rest[i + 2..i + end].trim();
        out.push_str(labels.get(key).map(String::as_str).unwrap_or_default());
        rest = &rest[i + end + 2..];
    }
    out.push_str(rest);
    out.chars().take(120).collect()
}
