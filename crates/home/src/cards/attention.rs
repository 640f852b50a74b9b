//! "Needs attention": one ranked list across the widgets of what waits on me — reviews
//! requested from me, my pull requests with failing checks, changes requested or conflicts, my
//! overdue or due-soon Jira issues, the triggered incidents of my teams' services, my merged
//! pull requests that were rolled back — each linking to where it is handled.

use leptos::prelude::*;

use trellis_shared::views::commits::{Liveness, MergedWhere};
use trellis_shared::views::home::{
    CheckState, JiraIssues, Mergeable, PagerDuty, PullRequests, ReviewDecision, Widget,
};

/// Most items listed; the cards below hold the rest.
const SHOWN: usize = 6;

/// One thing to act on.
struct Item {
    rank: u8,
    label: &'static str,
    title: String,
    context: String,
    url: String,
}

/// What the pull requests ask of me, most urgent first.
fn from_pulls(d: &PullRequests) -> Vec<Item> {
    let mut out = Vec::new();
    for pr in &d.review {
        out.push(Item {
            rank: 1,
            label: "Review requested",
            title: pr.title.clone(),
            context: format!("{}#{}", pr.repository, pr.number),
            url: pr.url.clone(),
        });
    }
    for pr in &d.mine {
        let reason = if pr.checks.state == Some(CheckState::Failure) {
            Some((2, "Checks failing"))
        } else if pr.review_decision == Some(ReviewDecision::ChangesRequested) {
            Some((3, "Changes requested"))
        } else if pr.mergeable == Mergeable::Conflicting {
            Some((4, "Merge conflicts"))
        } else {
            None
        };
        if let Some((rank, label)) = reason.filter(|_| !pr.draft) {
            out.push(Item {
                rank,
                label,
                title: pr.title.clone(),
                context: format!("{}#{}", pr.repository, pr.number),
                url: pr.url.clone(),
            });
        }
    }
    out
}

/// My Jira issues that are overdue (rank 2) or due within two days (rank 3).
fn from_jira(d: &JiraIssues) -> Vec<Item> {
    d.issues
        .iter()
        .filter_map(|i| {
            let days = i.due_in_days?;
            let (rank, label) = match days {
                ..=-1 => (2, "Overdue"),
                0..=super::jira_filter::DUE_SOON_DAYS => (3, "Due soon"),
                _ => return None,
            };
            Some(Item {
                rank,
                label,
                title: i.summary.clone(),
                context: i.key.clone(),
                url: i.url.clone(),
            })
        })
        .collect()
}

/// Triggered incidents, before anything else: assigned to me (rank 0), or of high urgency on my
/// teams' services (rank 1, ahead of review requests). Acknowledged ones have someone on them.
fn from_pager(d: &PagerDuty) -> Vec<Item> {
    d.incidents
        .iter()
        .filter(|i| i.status == "triggered" && (i.mine || i.urgency == "high"))
        .map(|i| Item {
            rank: if i.mine { 0 } else { 1 },
            label: if i.mine { "Paged" } else { "Incident" },
            title: i.title.clone(),
            context: format!("#{} · {}", i.number, i.service),
            url: i.url.clone(),
        })
        .collect()
}

/// My merged pull requests that went out and were rolled back (rank 2, with failing checks):
/// the change is no longer where it was live.
fn from_rollbacks(merged: &[MergedWhere]) -> Vec<Item> {
    merged
        .iter()
        .flat_map(|m| {
            m.targets
                .iter()
                .filter(|t| t.state == Liveness::RolledBack)
                .map(move |t| {
                    let find = format!("{}#{}", m.pull.repository, m.pull.number);
                    Item {
                        rank: 2,
                        label: "Rolled back",
                        title: m.pull.title.clone(),
                        context: format!("{find} · {}", t.environment),
                        url: format!(
                            "/?find-commit={}",
                            form_urlencoded::byte_serialize(find.as_bytes()).collect::<String>()
                        ),
                    }
                })
        })
        .collect()
}

/// The list's body: what the widgets ask of me, or that nothing does.
pub fn body(
    pulls: Widget<PullRequests>,
    issues: Widget<JiraIssues>,
    pager: Option<Widget<PagerDuty>>,
    merged: &[MergedWhere],
) -> AnyView {
    let pager = pager.and_then(|p| p.data);
    // Incidents first, so they stay ahead of review requests of the same rank (the sort keeps
    // the order within a rank).
    let mut items = pager.as_ref().map(from_pager).unwrap_or_default();
    items.extend(pulls.data.as_ref().map(from_pulls).unwrap_or_default());
    items.extend(issues.data.as_ref().map(from_jira).unwrap_or_default());
    items.extend(from_rollbacks(merged));
    items.sort_by_key(|i| i.rank);
    if items.is_empty() {
        let text = if pulls.data.is_some() || issues.data.is_some() || pager.is_some() {
            "Nothing waits on you right now."
        } else {
            "Nothing to show until your tools answer."
        };
        return view! { <p class="muted">{text}</p> }.into_any();
    }
    let more = items.len().saturating_sub(SHOWN);
    view! {
        <ol class="attention-list">
            {items.into_iter().take(SHOWN).map(|i| view! {
                <li class=format!("rank-{}", i.rank)>
                    <span class="attention-label">{i.label}</span>
                    <a href=i.url>{i.title}</a>
                    <span class="pr-meta">{i.context}</span>
                </li>
            }).collect_view()}
        </ol>
        {(more > 0).then(|| view! { <p class="muted small">{format!("and {more} more below")}</p> })}
    }
    .into_any()
}
