//! The pull requests card's body: reviews waiting on me, then my own open pull requests, each
//! with its checks, review decision, mergeability and age.

use leptos::prelude::*;
use trellis_shared::views::home::{
    CheckState, Mergeable, PullRequest, PullRequests, ReviewDecision, Widget, WidgetProblem,
};

use crate::kit::{ago, status};

/// Most pull requests a list shows.
const SHOWN: usize = 8;

/// The card's body for `w`.
pub fn body(w: Widget<PullRequests>) -> AnyView {
    let footer = status(&w);
    let age = w.age_secs.unwrap_or(0);
    let lists = w.data.map(|d| {
        view! {
            <List title="Waiting on your review" total=d.review_total prs=d.review age
                empty="Nobody is waiting on your review."/>
            <List title="Yours" total=d.mine_total prs=d.mine age
                empty="You have no open pull requests."/>
        }
    });
    let setup = (w.problem == Some(WidgetProblem::NotConfigured)).then(|| {
        view! { <p class="muted">"An admin adds GitHub under " <code>"integrations.github"</code> " in the portal's config."</p> }
    });
    view! { {lists} {setup} {footer} }.into_any()
}

#[component]
fn List(
    title: &'static str,
    total: u32,
    prs: Vec<PullRequest>,
    age: u64,
    empty: &'static str,
) -> impl IntoView {
    let shown = prs.len().min(SHOWN);
    let more = (total as usize > shown).then(|| format!("and {} more", total as usize - shown));
    view! {
        <h3 class="widget-sub">{title} <span class="count">{total}</span></h3>
        {if prs.is_empty() {
            view! { <p class="muted">{empty}</p> }.into_any()
        } else {
            view! {
                <ul class="prs">
                    {prs.into_iter().take(SHOWN).map(|pr| view! { <Pr pr age/> }).collect_view()}
                </ul>
                {more.map(|m| view! { <p class="muted small">{m}</p> })}
            }
            .into_any()
        }}
    }
}

#[component]
fn Pr(pr: PullRequest, age: u64) -> impl IntoView {
    let checks = pr.checks.clone();
    let check = checks.state.map(|s| {
        let (class, text) = match s {
            CheckState::Success => ("badge ok", format!("✓ {} passed", checks.passed)),
            CheckState::Failure => ("badge bad", format!("✗ {} failing", checks.failed)),
            CheckState::Pending => ("badge wait", format!("● {} running", checks.pending)),
        };
        view! { <span class=class>{text}</span> }
    });
    let review = pr.review_decision.map(|d| {
        let (class, text) = match d {
            ReviewDecision::Approved => ("badge ok", "Approved"),
            ReviewDecision::ChangesRequested => ("badge bad", "Changes requested"),
            ReviewDecision::ReviewRequired => ("badge", "Review required"),
        };
        view! { <span class=class>{text}</span> }
    });
    let conflict = (pr.mergeable == Mergeable::Conflicting)
        .then(|| view! { <span class="badge bad">"Conflicts"</span> });
    let draft = pr
        .draft
        .then(|| view! { <span class="badge">"Draft"</span> });
    let by = pr.author.map(|a| format!(" by {a}")).unwrap_or_default();
    let when = format!("updated {}", ago(pr.updated_secs_before_fetch + age));
    view! {
        <li class="pr">
            <a class="pr-title" href=pr.url>{pr.title}</a>
            <span class="pr-meta">
                {format!("{}#{}", pr.repository, pr.number)}{by}" · "{when}
            </span>
            <span class="badges">{draft}{check}{review}{conflict}</span>
        </li>
    }
}
