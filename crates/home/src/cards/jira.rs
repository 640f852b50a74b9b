//! The Jira card's body: my open issues across projects, soonest due first, with status,
//! priority, and overdue or due-soon marked; rows of links filter them by status, priority and
//! due date ([`super::jira_filter`]).

use leptos::prelude::*;
use trellis_shared::views::home::{JiraIssue, JiraIssues, Widget, WidgetProblem};

use super::jira_filter::{dues, priorities, statuses, Choice, Filter};
use crate::kit::status;

/// Most issues the card lists.
const SHOWN: usize = 10;

/// The card's body for `w`.
pub fn body(w: Widget<JiraIssues>) -> AnyView {
    body_for(w, "")
}

/// The card's body for `w` given the page's `?jira-issues=` filter.
pub fn body_for(w: Widget<JiraIssues>, input: &str) -> AnyView {
    let footer = status(&w);
    let (filter, refused) = match Filter::parse(input) {
        Ok(f) => (f, None),
        Err(e) => (Filter::default(), Some(e)),
    };
    let refused = refused.map(|e| view! { <p class="widget-note warn" role="status">{e}</p> });
    let list = w.data.map(|d| {
        let rows = (d.issues.len() > 1).then(|| {
            let s = statuses(&d.issues, &filter);
            let p = priorities(&d.issues, &filter);
            // Shown while chosen too, so a due filter can always be cleared.
            let due = (filter.due.is_some() || d.issues.iter().any(|i| i.due_in_days.is_some()))
                .then(|| view! { <Choices label="Due" choices=dues(&d.issues, &filter)/> });
            view! { <Choices label="Status" choices=s/> <Choices label="Priority" choices=p/> {due} }
        });
        let total = d.issues.len();
        let shown: Vec<JiraIssue> = d.issues.into_iter().filter(|i| filter.keeps(i)).collect();
        let overdue = shown
            .iter()
            .filter(|i| i.due_in_days.is_some_and(|n| n < 0))
            .count();
        let more = (shown.len() > SHOWN).then(|| format!("and {} more", shown.len() - SHOWN));
        let first = if d.more { " (of the first 200)" } else { "" };
        let summary = match (total, shown.len(), overdue) {
            (0, _, _) => "Nothing open is assigned to you.".to_string(),
            (_, 0, _) => format!("None of your {total} open issues{first} matches."),
            (t, n, o) if t != n => format!("{n} of {t} open{first} match{}", overdue_text(o)),
            (n, _, o) => format!("{n} open{first}{}", overdue_text(o)),
        };
        view! {
            {rows}
            <p class="muted small">{summary}</p>
            <ul class="prs">
                {shown.into_iter().take(SHOWN).map(|i| view! { <Issue i/> }).collect_view()}
            </ul>
            {more.map(|m| view! { <p class="muted small">{m}</p> })}
        }
    });
    let setup = (w.problem == Some(WidgetProblem::NotConfigured)).then(|| {
        view! { <p class="muted">"An admin adds Jira under " <code>"integrations.jira"</code> " in the portal's config."</p> }
    });
    view! { {refused} {list} {setup} {footer} }.into_any()
}

/// ", 2 overdue" when some are.
fn overdue_text(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", {n} overdue")
    }
}

/// One filter row: its label, then a link per choice, the current one marked. Links load the
/// page (`rel="external"`): the server renders the filtered card.
#[component]
fn Choices(label: &'static str, choices: Vec<Choice>) -> impl IntoView {
    let links = choices
        .into_iter()
        .map(|c| {
            let class = if c.current { "badge ok" } else { "badge" };
            let current = c.current.then_some("true");
            let name = c.name.unwrap_or_else(|| "All".into());
            view! { " " <a class=class href=c.href rel="external" aria-current=current>{name}" "{c.count}</a> }
        })
        .collect_view();
    let aria = format!("Filter by {}", label.to_lowercase());
    view! { <p class="muted small" role="group" aria-label=aria>{label}":"{links}</p> }
}

#[component]
fn Issue(i: JiraIssue) -> impl IntoView {
    let due = i.due_in_days.map(|n| {
        let (class, text) = match n {
            ..=-1 => ("badge bad", format!("{} d overdue", -n)),
            0 => ("badge warn", "due today".to_string()),
            1..=super::jira_filter::DUE_SOON_DAYS => ("badge warn", format!("due in {n} d")),
            _ => (
                "badge",
                format!("due {}", i.due.clone().unwrap_or_default()),
            ),
        };
        view! { <span class=class>{text}</span> }
    });
    let state = if i.status_category == "indeterminate" {
        "badge wait"
    } else {
        "badge"
    };
    let priority = i.priority.map(|p| view! { <span class="badge">{p}</span> });
    view! {
        <li class="pr">
            <a class="pr-title" href=i.url>{i.summary}</a>
            <span class="pr-meta">{i.key}" · "{i.issue_type}</span>
            <span class="badges"><span class=state>{i.status}</span>{priority}{due}</span>
        </li>
    }
}
