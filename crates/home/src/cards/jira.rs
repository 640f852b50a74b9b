//! The Jira card's body: my open issues across projects, soonest due first, with status,
//! priority, and overdue or due-soon marked.

use leptos::prelude::*;
use trellis_shared::views::home::{JiraIssue, JiraIssues, Widget, WidgetProblem};

use crate::kit::status;

/// Most issues the card lists.
const SHOWN: usize = 10;

/// The card's body for `w`.
pub fn body(w: Widget<JiraIssues>) -> AnyView {
    let footer = status(&w);
    let list = w.data.map(|d| {
        let total = d.issues.len();
        let overdue = d
            .issues
            .iter()
            .filter(|i| i.due_in_days.is_some_and(|n| n < 0))
            .count();
        let more = (total > SHOWN).then(|| format!("and {} more", total - SHOWN));
        let summary = match (total, overdue) {
            (0, _) => "Nothing open is assigned to you.".to_string(),
            (n, 0) => format!("{n} open{}", if d.more { " (the first 200)" } else { "" }),
            (n, o) => format!("{n} open, {o} overdue"),
        };
        view! {
            <p class="muted small">{summary}</p>
            <ul class="prs">
                {d.issues.into_iter().take(SHOWN).map(|i| view! { <Issue i/> }).collect_view()}
            </ul>
            {more.map(|m| view! { <p class="muted small">{m}</p> })}
        }
    });
    let setup = (w.problem == Some(WidgetProblem::NotConfigured)).then(|| {
        view! { <p class="muted">"An admin adds Jira under " <code>"integrations.jira"</code> " in the portal's config."</p> }
    });
    view! { {list} {setup} {footer} }.into_any()
}

#[component]
fn Issue(i: JiraIssue) -> impl IntoView {
    let due = i.due_in_days.map(|n| {
        let (class, text) = match n {
            ..=-1 => ("badge bad", format!("{} d overdue", -n)),
            0 => ("badge warn", "due today".to_string()),
            1..=2 => ("badge warn", format!("due in {n} d")),
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
