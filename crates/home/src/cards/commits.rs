//! The find-commit card: its form, then, given a commit or pull request, one row per deploy
//! target — live since when and through which deploy, not yet, rolled back (and by what), or
//! why it cannot be told.

use leptos::prelude::*;
use trellis_services::{ServiceResult, Services};
use trellis_shared::views::commits::{
    CommitReport, DeployRef, Liveness, MergedWhere, TargetStatus,
};
use trellis_shared::views::home::{PullRequests, Widget};

use crate::commits::ID;
use crate::kit::status;

/// The form, holding `input`.
pub fn form(s: &Services, input: &str) -> AnyView {
    let envs: Vec<String> = s
        .config
        .deployments
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect();
    let hint = format!("Where is it live: {}.", envs.join(", "));
    let value = input
        .chars()
        .take(trellis_deploys::query::MAX_LEN)
        .collect::<String>();
    view! {
        <form class="find-commit-row" method="get" action="/" role="search">
            <label class="field grow">"Commit SHA, pull request or GitHub URL"
                <input name=ID type="search" value=value maxlength="500"
                    placeholder="a1b2c3d, acme/home-feed#42, https://github.com/…" autocomplete="off"/>
            </label>
            <button class="button" type="submit">"Find"</button>
        </form>
        <p class="muted small">{hint}</p>
    }
    .into_any()
}

/// The card without input: the form, then my recently merged pull requests with a badge per
/// deploy target, each leading to its full answer.
pub fn overview(
    s: &Services,
    pulls: &Widget<PullRequests>,
    merged: &Widget<Vec<MergedWhere>>,
) -> AnyView {
    let rows = merged.data.clone().unwrap_or_default();
    let list = (!rows.is_empty()).then(|| {
        view! {
            <h3 class="widget-sub">"Your recently merged pull requests"</h3>
            <ul class="prs">{rows.into_iter().map(merged_row).collect_view()}</ul>
        }
    });
    let known = pulls.data.as_ref().map(|d| d.merged.is_empty());
    let none = (known == Some(true))
        .then(|| view! { <p class="muted">"You have no merged pull requests yet."</p> });
    // Where each is, while it is still being found out (GitHub is slow).
    let waiting = (known == Some(false) && merged.data.is_none())
        .then(|| view! { <p class="muted" aria-busy="true">"Finding where your merged pull requests are…"</p> });
    view! { {form(s, "")} {list} {none} {waiting} {status(pulls)} }.into_any()
}

fn merged_row(m: MergedWhere) -> impl IntoView {
    let pull = m.pull;
    let find = format!("{}#{}", pull.repository, pull.number);
    let href = format!(
        "/?{ID}={}",
        form_urlencoded::byte_serialize(find.as_bytes()).collect::<String>()
    );
    let meta = match &pull.merged_at {
        Some(at) => format!("{find} · merged {}", when(at)),
        None => find,
    };
    // Targets this repository never deployed to say nothing here (the full answer says so).
    let shown = m
        .targets
        .into_iter()
        .filter(|t| t.state != Liveness::Unknown || t.problem.is_some());
    let badges = shown.map(|t| {
        let (state, class) = label(t.state);
        let class = if t.problem.is_some() {
            "badge warn"
        } else {
            class
        };
        let text = format!("{}: {}", t.environment, state.to_lowercase());
        view! { <span class=class title=t.component>{text}</span> }
    });
    view! {
        <li class="pr">
            <a class="pr-title" href=href rel="external">{pull.title}</a>
            <span class="pr-meta">{meta}</span>
            <span class="badges">{badges.collect_view()}</span>
        </li>
    }
}

fn label(state: Liveness) -> (&'static str, &'static str) {
    match state {
        Liveness::Live => ("Live", "badge ok"),
        Liveness::NotYet => ("Not yet", "badge wait"),
        Liveness::RolledBack => ("Rolled back", "badge bad"),
        Liveness::Unknown => ("Unknown", "badge"),
    }
}

/// The card for `input`: the form, then the report or what was wrong.
pub fn body(s: &Services, input: &str, report: ServiceResult<CommitReport>) -> AnyView {
    let result = match report {
        Ok(r) => report_view(r).into_any(),
        Err(e) => {
            view! { <p class="widget-note warn" role="status">{e.public_message()}</p> }.into_any()
        }
    };
    view! { {form(s, input)} <div class="find-commit-result" aria-live="polite">{result}</div> }
        .into_any()
}

fn short(sha: &str) -> String {
    sha.chars().take(7).collect()
}

/// "2026-12-01 10:00 UTC" from RFC 3339 (the text itself when it is not).
fn when(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

fn report_view(r: CommitReport) -> impl IntoView {
    let what = match (&r.pull, &r.commit) {
        (Some(p), _) => view! {
            <p><a href=p.url.clone()>{format!("{}#{}", r.repository, p.number)}</a> " " {p.title.clone()}</p>
        }
        .into_any(),
        (None, Some(c)) => view! {
            <p><a href=c.url.clone()><code>{short(&c.sha)}</code></a> " " {c.title.clone()} " · " {r.repository.clone()}</p>
        }
        .into_any(),
        (None, None) => ().into_any(),
    };
    let unmerged = r.pull.as_ref().is_some_and(|p| p.merged_at.is_none());
    let components = (!r.components.is_empty()).then(|| {
        view! { <p class="muted small">"Components: " {r.components.join(", ")}</p> }
    });
    let rows = if unmerged {
        view! { <p class="muted">"Not merged yet, so it is live nowhere."</p> }.into_any()
    } else if r.targets.is_empty() {
        view! { <p class="muted">"No deploy targets are configured (deployments.environments)."</p> }.into_any()
    } else {
        view! {
            <table class="entities find-commit-targets">
                <thead><tr><th scope="col">"Target"</th><th scope="col">"State"</th><th scope="col">"Details"</th></tr></thead>
                <tbody>{r.targets.into_iter().map(row).collect_view()}</tbody>
            </table>
        }
        .into_any()
    };
    view! { {what} {components} {rows} }
}

fn deploy(d: &DeployRef) -> String {
    if d.at.is_empty() {
        format!("{} ({})", d.label, short(&d.sha))
    } else {
        format!("{} ({}, {})", d.label, short(&d.sha), when(&d.at))
    }
}

fn row(t: TargetStatus) -> impl IntoView {
    let target = match &t.component {
        Some(c) => format!("{} · {c}", t.environment),
        None => t.environment.clone(),
    };
    let (label, class) = label(t.state);
    let details = match (t.state, &t.problem) {
        (_, Some(p)) => p.clone(),
        (Liveness::Live, _) if t.kind == "mobile" => match &t.carried_by {
            Some(c) => format!("First shipped in {}", deploy(c)),
            None => "Shipped".into(),
        },
        (Liveness::Live, _) => match &t.carried_by {
            Some(c) if t.at_least => format!("Live at least since {}", deploy(c)),
            Some(c) => format!("Live since {}", deploy(c)),
            None => "Live".into(),
        },
        (Liveness::RolledBack, _) => format!(
            "Went out in {}; rolled back by {}",
            t.carried_by.as_ref().map(deploy).unwrap_or_default(),
            t.rolled_back_by.as_ref().map(deploy).unwrap_or_default()
        ),
        (Liveness::NotYet, _) => match &t.current {
            Some(c) if t.kind == "mobile" => {
                format!("Not in a release yet; latest is {}", deploy(c))
            }
            Some(c) => format!("Not in what is deployed: {}", deploy(c)),
            None => "Not deployed yet".into(),
        },
        (Liveness::Unknown, _) if t.kind == "mobile" => "No release tags match yet".into(),
        (Liveness::Unknown, _) => "Nothing deployed here yet".into(),
    };
    view! {
        <tr>
            <th scope="row">{target}</th>
            <td><span class=class>{label}</span></td>
            <td>{details}</td>
        </tr>
    }
}
