//! The dashboards card: the dashboards I viewed recently, then those of what my teams own,
//! each opening the drawer in place (`?dashboards=<uid>`) or Grafana (through Trellis, which
//! records the view); with a dashboard asked, the drawer with its charts over a range.
//!
//! Every link is `rel="external"`: a full page load, so the server renders the card with its
//! input (the client's router would change the URL and keep the card as it was).

use leptos::prelude::*;
use trellis_services::dashboards::Range;
use trellis_services::ServiceResult;
use trellis_shared::views::dashboards::{DashboardCharts, DashboardRef, MyDashboards};
use trellis_shared::views::home::Widget;

use crate::cards::chart;
use crate::dashboards::ID;
use crate::kit::status;

/// Most owned dashboards listed on the card.
const SHOWN: usize = 8;

/// The card: the lists.
pub fn body(w: &Widget<MyDashboards>) -> AnyView {
    let lists = w.data.clone().map(lists);
    view! { {lists} {status(w)} }.into_any()
}

/// The card with the drawer for `charts` (or what was wrong with the ask) above the lists.
pub fn with_drawer(w: &Widget<MyDashboards>, charts: ServiceResult<DashboardCharts>) -> AnyView {
    let drawer = match charts {
        Ok(c) => drawer(c).into_any(),
        Err(e) => view! { <p class="widget-note warn" role="alert">{e.to_string()}</p> }.into_any(),
    };
    view! { {drawer} {body(w)} }.into_any()
}

fn open_href(uid: &str, range: Option<&str>) -> String {
    let value = match range {
        Some(r) => format!("{uid} {r}"),
        None => uid.to_string(),
    };
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair(ID, &value)
        .finish();
    format!("/?{q}#dashboard-drawer")
}

fn grafana_href(uid: &str) -> String {
    format!("/api/dashboards/{uid}/open")
}

fn row(d: DashboardRef, meta: String) -> impl IntoView {
    view! {
        <li class="pr">
            <a class="pr-title" href=open_href(&d.uid, None) rel="external">{d.title.clone()}</a>
            <span class="badges"><a class="badge" href=grafana_href(&d.uid) rel="external"
                aria-label=format!("{} in Grafana", d.title)>"Grafana"</a></span>
            <span class="pr-meta">{meta}</span>
        </li>
    }
}

fn lists(d: MyDashboards) -> impl IntoView {
    let recent = (!d.recent.is_empty()).then(|| {
        let rows = d.recent.into_iter().map(|v| {
            let when = v.viewed_at.get(..16).unwrap_or_default().replace('T', " ");
            let folder = v.dashboard.folder.clone().unwrap_or_default();
            let meta = [folder, format!("viewed {when} UTC")]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            row(v.dashboard, meta)
        });
        view! {
            <h3 class="widget-sub">"Viewed recently"</h3>
            <ul class="prs">{rows.collect_view()}</ul>
        }
    });
    let more = d.owned.len().saturating_sub(SHOWN);
    let owned = if d.owned.is_empty() {
        view! { <p class="muted small">"No dashboard is selected by what your teams own ("<code>"grafana/dashboard-selector"</code>" or "<code>"grafana/tag"</code>")."</p> }.into_any()
    } else {
        let rows = d.owned.into_iter().take(SHOWN).map(|o| {
            let names: Vec<String> = o
                .entities
                .iter()
                .map(|e| e.rsplit('/').next().unwrap_or(e).to_string())
                .collect();
            row(o.dashboard, format!("for {}", names.join(", ")))
        });
        view! {
            <ul class="prs">{rows.collect_view()}</ul>
            {(more > 0).then(|| view! { <p class="muted small">{format!("and {more} more")}</p> })}
        }
        .into_any()
    };
    let problems = d
        .problems
        .into_iter()
        .map(|p| view! { <p class="widget-note">{p}</p> });
    view! {
        {recent}
        <h3 class="widget-sub">"Your teams' dashboards"</h3>
        {owned}
        {problems.collect_view()}
    }
}

fn drawer(c: DashboardCharts) -> impl IntoView {
    let uid = c.dashboard.uid.clone();
    let ranges = Range::ALL.map(|r| {
        let current = (r.name() == c.range).then_some("page");
        view! { <a class="range" href=open_href(&uid, Some(r.name())) aria-current=current rel="external">{r.name()}</a> }
    });
    let (start, end) = (c.start, c.end);
    let charts = c
        .charts
        .into_iter()
        .map(|ch| chart::chart(ch, start, end))
        .collect_view();
    let skipped = (!c.skipped.is_empty()).then(|| {
        view! {
            <details class="drawer-skipped"><summary>{match c.skipped.len() { 1 => "1 panel not drawn here".to_string(), n => format!("{n} panels not drawn here") }}</summary>
                <ul>{c.skipped.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
            </details>
        }
    });
    let step = format!("Every {} s, times in UTC.", c.step);
    view! {
        <link rel="stylesheet" href="/drawer.css"/>
        <section class="drawer" id="dashboard-drawer" aria-labelledby="dashboard-drawer-title">
            <header class="drawer-head">
                <h3 id="dashboard-drawer-title">{c.dashboard.title.clone()}</h3>
                <nav class="drawer-ranges" aria-label="Time range">{ranges}</nav>
                <a class="button" href=grafana_href(&uid) rel="external">"Open in Grafana"</a>
                <a class="drawer-close" href="/" rel="external" aria-label="Close the dashboard">"Close"</a>
            </header>
            <p class="muted small">{step}</p>
            <div class="drawer-charts">{charts}</div>
            {skipped}
        </section>
    }
}
