//! PagerDuty: am I on call (now and next), and the open incidents of my teams' services.
//!
//! API contract (REST API v2, <https://developer.pagerduty.com/api-reference/>):
//! - `Authorization: Token token=<REST API key>`, `Accept: application/vnd.pagerduty+json;version=2`.
//! - Classic pagination: `limit` (at most 100), `offset`; answers carry `more`
//!   (<https://developer.pagerduty.com/docs/pagination>).
//! - `GET /users?query=EMAIL` → `users[]` (`id`, `name`, `email`, `html_url`).
//! - `GET /oncalls?user_ids[]=ID&since&until&earliest=true` → `oncalls[]` (`escalation_policy`,
//!   `escalation_level`, `schedule` or null, `start`/`end`, null when always on call); `since`
//!   to `until` spans at most 90 days; `earliest` keeps the earliest shift per escalation policy,
//!   level and user.
//! - `GET /incidents?service_ids[]=..&statuses[]=triggered&statuses[]=acknowledged` →
//!   `incidents[]` (`incident_number`, `title`, `status`, `urgency`, `service.summary`,
//!   `html_url`, `created_at`, `assignments[].assignee.id`).
//! - Rate limits: `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` headers, 429.
//!
//! Config in the shape of PagerDuty's Backstage plugin: `pagerDuty.apiBaseUrl`,
//! `pagerDuty.apiToken`, or `pagerDuty.oauth` for scoped OAuth ([`oauth`]; the key wins when
//! both are set, as in the plugin); several accounts (`pagerDuty.accounts`) through
//! [`PagerDutyAccounts`].

use std::sync::Arc;

use chrono::{DateTime, Duration as Days, Utc};
use futures_util::future::BoxFuture;
use serde::Serialize;
use trellis_shared::views::home::{Incident, OnCall, PagerDuty, PagerDutyUser};

use crate::{Upstream, UpstreamError};

mod accounts;
mod config;
pub mod oauth;
mod wire;
pub use accounts::PagerDutyAccounts;
pub use config::{is_id, PagerDutyAccount, PagerDutyConfig, MAX_ACCOUNTS};
use oauth::Tokens;
use wire::{Incidents, OnCalls, Users};

/// Most incidents read for one person.
pub const MAX_INCIDENTS: usize = 200;

/// Most services asked about in one incidents request.
pub const SERVICES_PER_CALL: usize = 50;

/// Most services asked about in all (the rest are left out and counted).
pub const MAX_SERVICES: usize = 200;

/// Who to ask about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ask {
    /// Their PagerDuty user id (annotation `pagerduty.com/user-id`), when known.
    pub user_id: Option<String>,
    /// Else their e-mail, to find them by.
    pub email: Option<String>,
    /// Their teams' services (`pagerduty.com/service-id`), sorted.
    pub service_ids: Vec<String>,
    /// The account of each service that names one (`pagerduty.com/account`); the others are
    /// on the default account.
    pub accounts: std::collections::BTreeMap<String, String>,
}

/// What the home page asks PagerDuty.
pub trait PagerDutyApi: Send + Sync + 'static {
    /// My shifts and my teams' open incidents.
    fn mine(&self, ask: Ask) -> BoxFuture<'_, Result<PagerDuty, UpstreamError>>;

    /// The upstream behind it.
    fn upstream(&self) -> &Upstream;
}

/// The REST client.
#[derive(Debug)]
pub struct PagerDutyClient {
    upstream: Arc<Upstream>,
    base: String,
    auth: Auth,
    days: u32,
}

/// How the client signs its calls.
enum Auth {
    /// A REST API key.
    Key(String),
    /// Scoped OAuth: the app's tokens.
    OAuth(Tokens),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Key(_) => f.write_str("Key(********)"),
            Auth::OAuth(tokens) => f.debug_tuple("OAuth").field(tokens).finish(),
        }
    }
}

impl PagerDutyClient {
    /// A client for `config` calling through `upstream`.
    pub fn new(config: &PagerDutyConfig, upstream: Arc<Upstream>) -> Self {
        // An EU account's API is PagerDuty's EU service unless a base is set.
        let eu = config.oauth.as_ref().is_some_and(|o| o.region() == "eu");
        let base = config.api_base_url.as_deref().unwrap_or(if eu {
            "https://api.eu.pagerduty.com"
        } else {
            "https://api.pagerduty.com"
        });
        Self {
            upstream,
            base: base.trim_end_matches('/').to_string(),
            auth: match (config.key(), &config.oauth) {
                (None, Some(oauth)) => Auth::OAuth(Tokens::new(oauth.clone())),
                (key, _) => Auth::Key(key.unwrap_or_default().to_string()),
            },
            days: config.window_days(),
        }
    }

    /// One page of `path` with `query`, from `offset`.
    async fn page<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
        offset: usize,
    ) -> Result<T, UpstreamError> {
        let url = format!("{}{path}", self.base);
        let offset = offset.to_string();
        let mut renewed = false;
        loop {
            let authorization = match &self.auth {
                Auth::Key(key) => format!("Token token={key}"),
                Auth::OAuth(tokens) => tokens.authorization(&self.upstream).await?,
            };
            let answer = self
                .upstream
                .call(operation, true, |http| {
                    http.get(&url)
                        .header("authorization", &authorization)
                        .header("accept", "application/vnd.pagerduty+json;version=2")
                        .query(query)
                        .query(&[("limit", "100"), ("offset", offset.as_str())])
                })
                .await;
            match (answer, &self.auth) {
                // A refused OAuth token (revoked, expired early): once more with a new one.
                (Err(UpstreamError::Status { status: 401, .. }), Auth::OAuth(tokens))
                    if !renewed =>
                {
                    tokens.forget(&authorization).await;
                    renewed = true;
                }
                (answer, _) => return self.upstream.json(&answer?),
            }
        }
    }

    async fn user(&self, ask: &Ask) -> Result<Option<PagerDutyUser>, UpstreamError> {
        let query = match (&ask.user_id, &ask.email) {
            (Some(id), _) => vec![("ids[]", id.clone())],
            (None, Some(email)) => vec![("query", email.clone())],
            (None, None) => return Ok(None),
        };
        let page: Users = self.page("users", "/users", &query, 0).await?;
        let found = page
            .users
            .into_iter()
            .find(|u| match (&ask.user_id, &ask.email) {
                (Some(id), _) => &u.id == id,
                (None, Some(email)) => u.email.eq_ignore_ascii_case(email),
                (None, None) => false,
            });
        Ok(found.map(|u| PagerDutyUser {
            id: u.id,
            name: u.name,
            url: u.html_url,
        }))
    }

    async fn on_call(&self, user: &str, now: DateTime<Utc>) -> Result<Vec<OnCall>, UpstreamError> {
        let until = now + Days::days(i64::from(self.days));
        let query = [
            ("user_ids[]", user.to_string()),
            ("since", now.to_rfc3339()),
            ("until", until.to_rfc3339()),
            ("earliest", "true".to_string()),
        ];
        let mut out = Vec::new();
        loop {
            let page: OnCalls = self.page("oncalls", "/oncalls", &query, out.len()).await?;
            let more = page.more && !page.oncalls.is_empty() && out.len() < 500;
            out.extend(page.oncalls.into_iter().map(|o| {
                let started = o.start.as_deref().and_then(parse).is_none_or(|s| s <= now);
                OnCall {
                    policy: o.escalation_policy.summary,
                    policy_url: o.escalation_policy.html_url,
                    level: o.escalation_level,
                    schedule: o.schedule.map(|s| s.summary),
                    now: started,
                    start: o.start,
                    end: o.end,
                }
            }));
            if !more {
                break;
            }
        }
        sort_shifts(&mut out);
        Ok(out)
    }

    async fn incidents(
        &self,
        ask: &Ask,
        me: Option<&str>,
    ) -> Result<(Vec<Incident>, bool), UpstreamError> {
        let asked = &ask.service_ids[..ask.service_ids.len().min(MAX_SERVICES)];
        let mut out = Vec::new();
        let mut more = ask.service_ids.len() > MAX_SERVICES;
        'services: for chunk in asked.chunks(SERVICES_PER_CALL) {
            let mut query: Vec<(&str, String)> =
                chunk.iter().map(|s| ("service_ids[]", s.clone())).collect();
            query.push(("statuses[]", "triggered".into()));
            query.push(("statuses[]", "acknowledged".into()));
            query.push(("sort_by", "created_at:desc".into()));
            let mut read = 0;
            loop {
                let page: Incidents = self.page("incidents", "/incidents", &query, read).await?;
                let n = page.incidents.len();
                read += n;
                out.extend(page.incidents.into_iter().map(|i| Incident {
                    mine: me.is_some_and(|me| i.assignments.iter().any(|a| a.assignee.id == me)),
                    number: i.incident_number,
                    title: i.title,
                    status: i.status,
                    urgency: i.urgency,
                    service: i.service.summary,
                    url: i.html_url,
                    created_at: i.created_at,
                }));
                if out.len() >= MAX_INCIDENTS {
                    // At the cap: there may be more (in this page's successors or other chunks).
                    more = true;
                    break 'services;
                }
                if !page.more || n == 0 {
                    break;
                }
            }
        }
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        out.truncate(MAX_INCIDENTS);
        Ok((out, more))
    }

    async fn fetch(&self, ask: Ask) -> Result<PagerDuty, UpstreamError> {
        let now = Utc::now();
        let user = self.user(&ask).await?;
        let on_call = match &user {
            Some(u) => self.on_call(&u.id, now).await?,
            None => Vec::new(),
        };
        let (incidents, more_incidents) = self
            .incidents(&ask, user.as_ref().map(|u| u.id.as_str()))
            .await?;
        Ok(PagerDuty {
            services: u32::try_from(ask.service_ids.len()).unwrap_or(u32::MAX),
            user,
            on_call,
            window_days: self.days,
            incidents,
            more_incidents,
        })
    }
}

impl PagerDutyApi for PagerDutyClient {
    fn mine(&self, ask: Ask) -> BoxFuture<'_, Result<PagerDuty, UpstreamError>> {
        Box::pin(self.fetch(ask))
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }
}

/// Shifts under way first, paged-first level first; then the next ones, soonest first.
pub(crate) fn sort_shifts(shifts: &mut [OnCall]) {
    shifts.sort_by_key(|o| {
        (
            !o.now,
            if o.now { o.level } else { 0 },
            o.start.clone(),
            o.level,
        )
    });
}

fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}
