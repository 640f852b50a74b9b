//! The fake GitHub REST API's endpoints (see the parent module for the contract each follows).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{FakeDeployment, FakeGitHubRest};
use crate::git::GitRepo;

fn not_found() -> Response {
    err(StatusCode::NOT_FOUND, "Not Found")
}

pub(super) fn err(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"message": message, "documentation_url": "https://docs.github.com/rest", "status": status.as_u16().to_string()})),
    )
        .into_response()
}

type Params = Query<HashMap<String, String>>;

fn paging(q: &HashMap<String, String>) -> (usize, usize) {
    let per_page = q
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30usize)
        .clamp(1, 100);
    let page = q
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    (per_page, page)
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn commit_json(git: &GitRepo, slug: &str, sha: &str) -> Value {
    let (message, at) = git.info(sha).unwrap_or_default();
    json!({
        "sha": sha,
        "html_url": format!("https://github.com/{slug}/commit/{sha}"),
        "commit": {
            "message": message,
            "author": {"name": "Trellis Demo", "email": "demo@acme.example", "date": rfc3339(at)},
            "committer": {"name": "Trellis Demo", "email": "demo@acme.example", "date": rfc3339(at)},
        },
    })
}

pub(super) async fn commit(
    State(gh): State<Arc<FakeGitHubRest>>,
    Path((owner, repo, reference)): Path<(String, String, String)>,
) -> Response {
    let slug = format!("{owner}/{repo}");
    let found = gh.repo(&owner, &repo, |r| {
        r.git
            .resolve(&reference)
            .map(|sha| commit_json(&r.git, &slug, &sha))
    });
    match found {
        Some(Some(c)) => Json(c).into_response(),
        Some(None) => err(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("No commit found for SHA: {reference}"),
        ),
        None => not_found(),
    }
}

pub(super) async fn pull(
    State(gh): State<Arc<FakeGitHubRest>>,
    Path((owner, repo, number)): Path<(String, String, String)>,
) -> Response {
    let Ok(n) = number.parse::<u32>() else {
        return err(StatusCode::NOT_FOUND, "Not Found");
    };
    let slug = format!("{owner}/{repo}");
    let found = gh.repo(&owner, &repo, |r| {
        r.pulls.iter().find(|p| p.number == n).cloned()
    });
    match found {
        Some(Some(p)) => {
            let body = json!({
                "number": p.number,
                "title": p.title,
                "html_url": format!("https://github.com/{slug}/pull/{}", p.number),
                "state": if p.merge_commit.is_some() { "closed" } else { "open" },
                "merged": p.merge_commit.is_some(),
                "merged_at": p.merged_at,
                "merge_commit_sha": p.merge_commit,
                "user": {"login": p.author},
            });
            Json(body).into_response()
        }
        _ => not_found(),
    }
}

pub(super) async fn compare(
    State(gh): State<Arc<FakeGitHubRest>>,
    Path((owner, repo, basehead)): Path<(String, String, String)>,
    Query(q): Params,
) -> Response {
    let Some((base, head)) = basehead.split_once("...") else {
        return err(StatusCode::NOT_FOUND, "Not Found");
    };
    let (per_page, _) = paging(&q);
    let slug = format!("{owner}/{repo}");
    let found = gh.repo(&owner, &repo, |r| {
        let (b, h) = (r.git.resolve(base)?, r.git.resolve(head)?);
        let (ahead, behind) = r.git.counts(&b, &h).ok()?;
        let status = match (ahead, behind) {
            (0, 0) => "identical",
            (_, 0) => "ahead",
            (0, _) => "behind",
            _ => "diverged",
        };
        let merge_base = r.git.merge_base(&b, &h).unwrap_or_default();
        Some(json!({
            "status": status,
            "ahead_by": ahead,
            "behind_by": behind,
            "total_commits": ahead,
            "base_commit": commit_json(&r.git, &slug, &b),
            "merge_base_commit": commit_json(&r.git, &slug, &merge_base),
            "commits": if ahead > 0 { vec![commit_json(&r.git, &slug, &h)] } else { vec![] }
                .into_iter().take(per_page).collect::<Vec<_>>(),
            "files": [],
        }))
    });
    match found {
        Some(Some(c)) => Json(c).into_response(),
        _ => not_found(),
    }
}

/// `items` paged as GitHub pages lists, with the `Link` header when there is a next page.
fn paged(items: Vec<Value>, q: &HashMap<String, String>) -> Response {
    let mut out = HeaderMap::new();
    let (per_page, page) = paging(q);
    let start = (page - 1).saturating_mul(per_page);
    if start + per_page < items.len() {
        let next = format!("<?per_page={per_page}&page={}>; rel=\"next\"", page + 1);
        if let Ok(v) = next.parse() {
            out.insert("link", v);
        }
    }
    let page: Vec<Value> = items.into_iter().skip(start).take(per_page).collect();
    (out, Json(page)).into_response()
}

pub(super) async fn deployments(
    State(gh): State<Arc<FakeGitHubRest>>,
    Path((owner, repo)): Path<(String, String)>,
    Query(q): Params,
) -> Response {
    let found = gh.repo(&owner, &repo, |r| {
        let mut list: Vec<&FakeDeployment> = r
            .deployments
            .iter()
            .filter(|d| q.get("environment").is_none_or(|e| &d.environment == e))
            .filter(|d| q.get("sha").is_none_or(|s| &d.sha == s))
            .collect();
        list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        list.iter()
            .map(|d| {
                json!({"id": d.id, "sha": d.sha, "ref": d.sha, "task": "deploy",
                       "environment": d.environment, "created_at": d.created_at,
                       "updated_at": d.created_at, "creator": {"login": "deploy-bot"}})
            })
            .collect::<Vec<_>>()
    });
    match found {
        Some(items) => paged(items, &q),
        None => not_found(),
    }
}

pub(super) async fn statuses(
    State(gh): State<Arc<FakeGitHubRest>>,
    Path((owner, repo, id)): Path<(String, String, String)>,
    Query(q): Params,
) -> Response {
    let id: u64 = id.parse().unwrap_or(0);
    let found = gh.repo(&owner, &repo, |r| {
        r.deployments.iter().find(|d| d.id == id).map(|d| {
            d.statuses
                .iter()
                .enumerate()
                .rev()
                .map(|(i, (state, at))| {
                    json!({"id": d.id * 100 + i as u64, "state": state,
                    "created_at": at, "environment": d.environment})
                })
                .collect::<Vec<_>>()
        })
    });
    match found {
        Some(Some(items)) => paged(items, &q),
        _ => not_found(),
    }
}

pub(super) async fn tags(
    State(gh): State<Arc<FakeGitHubRest>>,
    Path((owner, repo)): Path<(String, String)>,
    Query(q): Params,
) -> Response {
    let found = gh.repo(&owner, &repo, |r| r.git.tags().unwrap_or_default());
    match found {
        Some(mut list) => {
            // GitHub lists the newest-named first.
            list.reverse();
            let items = list
                .into_iter()
                .map(|(name, sha)| json!({"name": name, "commit": {"sha": sha}}))
                .collect();
            paged(items, &q)
        }
        None => not_found(),
    }
}
