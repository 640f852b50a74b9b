//! The PagerDuty card's body: whether I am on call now and until when, my next shifts, then
//! the open incidents of my teams' services, triggered first.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use trellis_shared::views::home::{Incident, OnCall, PagerDuty};

use crate::kit::ago;

/// Most incidents listed.
const SHOWN: usize = 8;

/// The card's body for `d`.
pub fn body(d: PagerDuty) -> AnyView {
    let now = Utc::now();
    let who = match &d.user {
        Some(u) => {
            let (current, next): (Vec<OnCall>, Vec<OnCall>) =
                d.on_call.iter().cloned().partition(|o| o.now);
            let headline = match (current.is_empty(), next.is_empty()) {
                (false, _) => "You are on call now.".to_string(),
                (true, false) => "You are not on call now. Your next shifts:".to_string(),
                (true, true) => format!("You have no on-call shift in the next {} days.", d.window_days),
            };
            view! {
                <p class="oncall-head"><a href=u.url.clone()>{u.name.clone()}</a>": "{headline}</p>
                <ul class="prs">
                    {current.into_iter().chain(next).map(|o| view! { <Shift o now/> }).collect_view()}
                </ul>
            }
            .into_any()
        }
        None => view! {
            <p class="muted">"PagerDuty has no user for you (by your e-mail, or "<code>"pagerduty.com/user-id"</code>" on your User entity)."</p>
        }
        .into_any(),
    };
    let open = d.incidents.len();
    let triggered = d
        .incidents
        .iter()
        .filter(|i| i.status == "triggered")
        .count();
    let summary = match (d.services, open) {
        (0, _) => "Your teams own no service with a PagerDuty service (pagerduty.com/service-id)."
            .to_string(),
        (s, 0) => format!("No open incidents on your teams' {s} services."),
        (s, n) => format!(
            "{n}{} open on your teams' {s} services, {triggered} triggered.",
            if d.more_incidents { "+" } else { "" }
        ),
    };
    let mut incidents = d.incidents;
    incidents.sort_by_key(|i| i.status != "triggered");
    let more = incidents.len().saturating_sub(SHOWN);
    view! {
        {who}
        <h3 class="widget-sub">"Incidents"</h3>
        <p class="muted small">{summary}</p>
        <ul class="prs">
            {incidents.into_iter().take(SHOWN).map(|i| view! { <Open i now/> }).collect_view()}
        </ul>
        {(more > 0).then(|| view! { <p class="muted small">{format!("and {more} more")}</p> })}
    }
    .into_any()
}

fn at(s: &Option<String>) -> Option<DateTime<Utc>> {
    let s = s.as_deref()?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// `secs` ahead in words: "in 5 h", "in 2 d".
fn ahead(secs: i64) -> String {
    match secs.max(0) {
        0..=3599 => format!("in {} min", secs.max(0) / 60),
        3600..=86_399 => format!("in {} h", secs / 3600),
        _ => format!("in {} d", secs / 86_400),
    }
}

#[component]
fn Shift(o: OnCall, now: DateTime<Utc>) -> impl IntoView {
    let when = match (o.now, at(&o.start), at(&o.end)) {
        (true, _, Some(end)) => format!("ends {}", ahead((end - now).num_seconds())),
        (true, _, None) => "always on call".to_string(),
        (false, Some(start), _) => format!("starts {}", ahead((start - now).num_seconds())),
        (false, None, _) => String::new(),
    };
    let class = if o.now { "badge ok" } else { "badge" };
    let schedule = o.schedule.map(|s| format!(" · {s}")).unwrap_or_default();
    view! {
        <li class="pr">
            <a class="pr-title" href=o.policy_url>{o.policy}</a>
            <span class="pr-meta">"level "{o.level}{schedule}</span>
            <span class="badges"><span class=class>{when}</span></span>
        </li>
    }
}

#[component]
fn Open(i: Incident, now: DateTime<Utc>) -> impl IntoView {
    let state = if i.status == "triggered" {
        "badge bad"
    } else {
        "badge warn"
    };
    let age = at(&Some(i.created_at.clone()))
        .map(|c| {
            format!(
                "opened {}",
                ago(u64::try_from((now - c).num_seconds()).unwrap_or(0))
            )
        })
        .unwrap_or_default();
    let mine = i
        .mine
        .then(|| view! { <span class="badge wait">"assigned to you"</span> });
    view! {
        <li class="pr">
            <a class="pr-title" href=i.url>{i.title}</a>
            <span class="pr-meta">"#"{i.number}" · "{i.service}" · "{age}</span>
            <span class="badges"><span class=state>{i.status}</span><span class="badge">{i.urgency}" urgency"</span>{mine}</span>
        </li>
    }
}
