//! A fake PagerDuty REST API v2 for the requests Trellis sends.
//!
//! Contract followed (<https://developer.pagerduty.com/api-reference/>):
//! - `Authorization: Token token=KEY`, or `Bearer <token>` of the scoped OAuth app it was told
//!   to accept ([`crate::pagerduty_oauth`]); a wrong or missing one is `401` with
//!   `{"error": {"message", "code"}}`.
//! - Classic pagination (<https://developer.pagerduty.com/docs/pagination>): `limit` (default
//!   25, at most 100), `offset`; answers carry `limit`, `offset`, `more` and `total` (null).
//! - `GET /users?query=` (name or e-mail contains it) or `ids[]=`: `users[]` with `id`, `type`,
//!   `summary`, `name`, `email`, `html_url`.
//! - `GET /oncalls?user_ids[]=&since=&until=&earliest=`: `since` to `until` over 90 days is a
//!   `400`; shifts overlapping the window; `earliest=true` keeps the earliest per escalation
//!   policy and level for each user; `start`/`end` are null for a permanent on-call.
//! - `GET /incidents?service_ids[]=&statuses[]=&sort_by=created_at:desc`: `incidents[]` with
//!   `incident_number`, `title`, `status`, `urgency`, `service` (reference), `html_url`,
//!   `created_at`, `assignments[].assignee`.
//! - Rate limits: `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` on every answer;
//!   `429` when spent (<https://developer.pagerduty.com/docs/rest-api-rate-limits>).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::Faults;

/// A user.
#[derive(Debug, Clone)]
pub struct FakeUser {
    /// `PXPGF42`.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
}

/// An on-call shift.
#[derive(Debug, Clone)]
pub struct FakeShift {
    /// Who.
    pub user: String,
    /// Escalation policy (id, name).
    pub policy: (String, String),
    /// Escalation level.
    pub level: u32,
    /// Schedule name, if it comes from one.
    pub schedule: Option<String>,
    /// Start and end; `None`: always on call.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// An incident.
#[derive(Debug, Clone)]
pub struct FakeIncident {
    /// `1234`.
    pub number: u64,
    /// Title.
    pub title: String,
    /// `triggered`, `acknowledged` or `resolved`.
    pub status: String,
    /// `high` or `low`.
    pub urgency: String,
    /// Service (id, name).
    pub service: (String, String),
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// Assigned users' ids.
    pub assignees: Vec<String>,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct FakePagerDuty {
    /// The REST API key it accepts.
    pub token: String,
    users: RwLock<Vec<FakeUser>>,
    shifts: RwLock<Vec<FakeShift>>,
    incidents: RwLock<Vec<FakeIncident>>,
    /// Injected faults.
    pub faults: Faults,
    calls: AtomicU64,
    app: RwLock<Option<Arc<crate::pagerduty_oauth::FakePagerDutyApp>>>,
}

const SITE: &str = "https://acme.pagerduty.example";

impl FakePagerDuty {
    /// A fake accepting `token`.
    pub fn new(token: &str) -> Arc<Self> {
        Arc::new(Self {
            token: token.to_string(),
            ..Self::default()
        })
    }

    /// Adds users, shifts and incidents.
    pub fn add(&self, users: Vec<FakeUser>, shifts: Vec<FakeShift>, incidents: Vec<FakeIncident>) {
        write(&self.users).extend(users);
        write(&self.shifts).extend(shifts);
        write(&self.incidents).extend(incidents);
    }

    /// Accepts the tokens of `app` too.
    pub fn accept_oauth(&self, app: Arc<crate::pagerduty_oauth::FakePagerDutyApp>) {
        *self.app.write().unwrap_or_else(|e| e.into_inner()) = Some(app);
    }

    /// Whether `authorization` is the key or a live token of the accepted app.
    fn authorized(&self, authorization: Option<&str>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        if value == format!("Token token={}", self.token) {
            return true;
        }
        let app = self.app.read().unwrap_or_else(|e| e.into_inner());
        match (value.strip_prefix("Bearer "), app.as_ref()) {
            (Some(token), Some(app)) => app.valid(token),
            _ => false,
        }
    }

    /// Requests answered so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The fake's routes.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/users", get(|s, h, q| answer(s, h, q, users)))
            .route("/oncalls", get(|s, h, q| answer(s, h, q, oncalls)))
            .route("/incidents", get(|s, h, q| answer(s, h, q, incidents)))
            .with_state(self.clone())
    }

    async fn gate(&self, headers: &HeaderMap) -> Option<Response> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let fail = self.faults.apply().await;
        if !self.authorized(headers.get("authorization").and_then(|v| v.to_str().ok())) {
            return Some(error(StatusCode::UNAUTHORIZED, 2006, "Unauthorized"));
        }
        if self.faults.rate_limited() {
            return Some(error(
                StatusCode::TOO_MANY_REQUESTS,
                2020,
                "Rate Limit Exceeded",
            ));
        }
        fail.then(|| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                2001,
                "Internal Server Error",
            )
        })
    }
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn error(status: StatusCode, code: u32, message: &str) -> Response {
    let limits = limit_headers(status == StatusCode::TOO_MANY_REQUESTS);
    (
        status,
        limits,
        Json(json!({"error": {"message": message, "code": code}})),
    )
        .into_response()
}

fn limit_headers(spent: bool) -> [(&'static str, String); 3] {
    [
        ("ratelimit-limit", "960".into()),
        (
            "ratelimit-remaining",
            if spent { "0".into() } else { "900".into() },
        ),
        ("ratelimit-reset", "30".into()),
    ]
}

/// Checks the key and the faults, then answers with `endpoint`.
async fn answer(
    State(fake): State<Arc<FakePagerDuty>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    endpoint: fn(&FakePagerDuty, &[(String, String)]) -> Response,
) -> Response {
    match fake.gate(&headers).await {
        Some(refused) => refused,
        None => endpoint(&fake, &pairs(&q)),
    }
}

/// The query's pairs, repeated keys kept.
fn pairs(q: &Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn all<'a>(q: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    q.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn one<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    all(q, key).into_iter().next()
}

/// The page of `items` that `limit` and `offset` ask for, in PagerDuty's envelope.
fn paged(q: &[(String, String)], key: &str, items: Vec<Value>) -> Response {
    let limit = one(q, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(25usize)
        .clamp(1, 100);
    let offset = one(q, "offset")
        .and_then(|o| o.parse().ok())
        .unwrap_or(0usize);
    let more = items.len() > offset.saturating_add(limit);
    let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let body = json!({key: page, "limit": limit, "offset": offset, "more": more, "total": null});
    (limit_headers(false), Json(body)).into_response()
}

fn reference(kind: &str, path: &str, id: &str, name: &str) -> Value {
    json!({"id": id, "type": kind, "summary": name, "self": format!("https://api.pagerduty.example/{path}/{id}"),
           "html_url": format!("{SITE}/{path}/{id}")})
}

fn users(fake: &FakePagerDuty, q: &[(String, String)]) -> Response {
    let ids = all(q, "ids[]");
    let query = one(q, "query").unwrap_or("").to_lowercase();
    let found: Vec<Value> = read(&fake.users)
        .iter()
        .filter(|u| ids.is_empty() || ids.contains(&u.id.as_str()))
        .filter(|u| {
            u.email.to_lowercase().contains(&query) || u.name.to_lowercase().contains(&query)
        })
        .map(|u| {
            let mut v = reference("user", "users", &u.id, &u.name);
            v["name"] = json!(u.name);
            v["email"] = json!(u.email);
            v
        })
        .collect();
    paged(q, "users", found)
}

fn oncalls(fake: &FakePagerDuty, q: &[(String, String)]) -> Response {
    let time = |key: &str| {
        one(q, key)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let since = time("since").unwrap_or_else(Utc::now);
    let until = time("until").unwrap_or(since + Duration::days(1));
    if until - since > Duration::days(90) || until < since {
        return error(
            StatusCode::BAD_REQUEST,
            2001,
            "Invalid Input Provided: until must be within 90 days of since",
        );
    }
    let users = all(q, "user_ids[]");
    let earliest = one(q, "earliest") == Some("true");
    let mut shifts: Vec<FakeShift> = read(&fake.shifts)
        .iter()
        .filter(|s| users.is_empty() || users.contains(&s.user.as_str()))
        .filter(|s| {
            s.window
                .is_none_or(|(start, end)| start < until && end > since)
        })
        .cloned()
        .collect();
    shifts.sort_by_key(|s| s.window.map(|(start, _)| start));
    if earliest {
        let mut seen = std::collections::BTreeSet::new();
        shifts.retain(|s| seen.insert((s.user.clone(), s.policy.0.clone(), s.level)));
    }
    let users_known = read(&fake.users).clone();
    let items = shifts
        .iter()
        .map(|s| {
            let name = users_known.iter().find(|u| u.id == s.user).map_or("", |u| u.name.as_str());
            json!({
                "escalation_policy": reference("escalation_policy_reference", "escalation_policies", &s.policy.0, &s.policy.1),
                "escalation_level": s.level,
                "schedule": s.schedule.as_ref().map(|n| reference("schedule_reference", "schedules", &format!("S{}", n.len()), n)),
                "user": reference("user_reference", "users", &s.user, name),
                "start": s.window.map(|(start, _)| start.to_rfc3339()),
                "end": s.window.map(|(_, end)| end.to_rfc3339()),
            })
        })
        .collect();
    paged(q, "oncalls", items)
}

fn incidents(fake: &FakePagerDuty, q: &[(String, String)]) -> Response {
    let services = all(q, "service_ids[]");
    let statuses = all(q, "statuses[]");
    let mut found: Vec<FakeIncident> = read(&fake.incidents)
        .iter()
        .filter(|i| services.is_empty() || services.contains(&i.service.0.as_str()))
        .filter(|i| statuses.is_empty() || statuses.contains(&i.status.as_str()))
        .cloned()
        .collect();
    found.sort_by_key(|i| i.created_at);
    if one(q, "sort_by") == Some("created_at:desc") {
        found.reverse();
    }
    let items = found
        .iter()
        .map(|i| {
            let id = format!("Q{:06}", i.number);
            json!({
                "id": id, "type": "incident", "summary": format!("[#{}] {}", i.number, i.title),
                "incident_number": i.number, "title": i.title, "status": i.status, "urgency": i.urgency,
                "created_at": i.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "html_url": format!("{SITE}/incidents/{id}"),
                "service": reference("service_reference", "services", &i.service.0, &i.service.1),
                "assignments": i.assignees.iter().map(|a| json!({"at": i.created_at.to_rfc3339(), "assignee": reference("user_reference", "users", a, a)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    paged(q, "incidents", items)
}
