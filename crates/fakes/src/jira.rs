//! A fake Jira Cloud for the requests Trellis sends.
//!
//! Contract followed (<https://developer.atlassian.com/cloud/jira/platform/rest/v3/>):
//! - Basic auth (`email:apiToken`); a wrong one is `401`.
//! - `GET /rest/api/3/user/search?query=` matches users by e-mail or display name:
//!   `[{accountId, emailAddress, displayName, active}]`.
//! - `GET /rest/api/3/search/jql?jql=&fields=&maxResults=&nextPageToken=`: the JQL this fake
//!   understands is Trellis' own (`assignee = "ID" AND statusCategory != Done ORDER BY ...`);
//!   only the requested `fields` come back (none asked: only `id` and `key`, as the enhanced
//!   search does); `nextPageToken` is absent on the last page; `maxResults` is capped at 100.
//! - 429 with `Retry-After` when rate limited
//!   (<https://developer.atlassian.com/cloud/jira/platform/rate-limiting/>).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::Faults;

/// An issue the fake knows.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeIssue {
    /// `ADS-12`.
    pub key: String,
    /// Assignee's account id.
    pub assignee: String,
    /// Summary.
    pub summary: String,
    /// Status name and its category key (`new`, `indeterminate`, `done`).
    pub status: (String, &'static str),
    /// Priority name.
    pub priority: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// Issue type.
    pub issue_type: String,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct FakeJira {
    /// `email:token` it accepts.
    pub credentials: (String, String),
    users: RwLock<HashMap<String, String>>,
    issues: RwLock<Vec<FakeIssue>>,
    /// Injected faults.
    pub faults: Faults,
    calls: AtomicU64,
}

impl FakeJira {
    /// A fake accepting `email` and `token`.
    pub fn new(email: &str, token: &str) -> Arc<Self> {
        Arc::new(Self {
            credentials: (email.into(), token.into()),
            ..Self::default()
        })
    }

    /// Adds a user (e-mail → account id).
    pub fn add_user(&self, email: &str, account_id: &str) {
        self.users
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(email.to_ascii_lowercase(), account_id.into());
    }

    /// Adds issues.
    pub fn add_issues(&self, issues: impl IntoIterator<Item = FakeIssue>) {
        self.issues
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(issues);
    }

    /// Requests answered so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The router.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/rest/api/3/user/search", get(user_search))
            .route("/rest/api/3/search/jql", get(search))
            .with_state(self.clone())
    }

    async fn gate(&self, headers: &HeaderMap) -> Option<Response> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let fail = self.faults.apply().await;
        let expected = {
            use base64::Engine;
            let (e, t) = &self.credentials;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{e}:{t}"))
            )
        };
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
            return Some((StatusCode::UNAUTHORIZED, Json(json!({"errorMessages": ["Client must be authenticated to access this resource."]}))).into_response());
        }
        if self.faults.rate_limited() {
            return Some(
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("retry-after", "30")],
                    Json(json!({"errorMessages": ["Rate limit exceeded."]})),
                )
                    .into_response(),
            );
        }
        fail.then(|| {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"errorMessages": ["Service unavailable"]})),
            )
                .into_response()
        })
    }
}

async fn user_search(
    State(j): State<Arc<FakeJira>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = j.gate(&headers).await {
        return r;
    }
    let query = q
        .get("query")
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    let users = j.users.read().unwrap_or_else(|e| e.into_inner());
    let found: Vec<Value> = users
        .iter()
        .filter(|(email, _)| !query.is_empty() && email.contains(&query))
        .map(|(email, id)| json!({"accountId": id, "emailAddress": email, "displayName": email, "active": true}))
        .collect();
    Json(Value::Array(found)).into_response()
}

async fn search(
    State(j): State<Arc<FakeJira>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = j.gate(&headers).await {
        return r;
    }
    let jql = q.get("jql").cloned().unwrap_or_default();
    let Some(assignee) = jql
        .strip_prefix("assignee = \"")
        .and_then(|rest| rest.split_once('"'))
        .map(|(id, _)| id.to_string())
    else {
        return (StatusCode::BAD_REQUEST, Json(json!({"errorMessages": [format!("this fake understands only Trellis' JQL, not: {jql}")]}))).into_response();
    };
    let open_only = jql.contains("statusCategory != Done");
    let fields: Vec<String> = q
        .get("fields")
        .map(|f| f.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let max = q
        .get("maxResults")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    let start = q
        .get("nextPageToken")
        .and_then(|t| t.strip_prefix("page-")?.parse::<usize>().ok())
        .unwrap_or(0);
    let mut matching: Vec<FakeIssue> = j
        .issues
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|i| i.assignee == assignee && (!open_only || i.status.1 != "done"))
        .cloned()
        .collect();
    matching.sort_by(|a, b| match (&a.due, &b.due) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.key.cmp(&b.key),
    });
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(max)
        .map(|i| issue(i, &fields))
        .collect();
    let mut body = json!({"issues": page, "isLast": start + max >= matching.len()});
    if start + max < matching.len() {
        body["nextPageToken"] = json!(format!("page-{}", start + max));
    }
    Json(body).into_response()
}

fn issue(i: &FakeIssue, fields: &[String]) -> Value {
    let project = i.key.split('-').next().unwrap_or_default();
    let all = json!({
        "summary": i.summary,
        "status": {"name": i.status.0, "statusCategory": {"key": i.status.1}},
        "priority": i.priority.as_ref().map(|p| json!({"name": p})),
        "duedate": i.due,
        "issuetype": {"name": i.issue_type},
        "project": {"key": project},
    });
    let mut out = json!({"id": i.key.bytes().map(u64::from).sum::<u64>().to_string(), "key": i.key, "self": format!("/rest/api/3/issue/{}", i.key)});
    if !fields.is_empty() {
        let picked: serde_json::Map<String, Value> = fields
            .iter()
            .filter_map(|f| all.get(f).map(|v| (f.clone(), v.clone())))
            .collect();
        out["fields"] = Value::Object(picked);
    }
    out
}
