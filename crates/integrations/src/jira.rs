//! Jira Cloud: the open issues assigned to a person, across projects.
//!
//! API contract (<https://developer.atlassian.com/cloud/jira/platform/rest/v3/>):
//! - Basic auth with an account e-mail and an API token.
//! - `GET /rest/api/3/user/search?query=EMAIL` → `[{accountId, emailAddress, ...}]`: the
//!   person's account (JQL names people by account id).
//! - `GET /rest/api/3/search/jql` ("enhanced search"; the old `/rest/api/3/search` is being
//!   removed) with a bounded `jql`, an explicit `fields` list (without it only ids come back),
//!   `maxResults`, and `nextPageToken` from the previous page, absent on the last one.
//! - 429 with `Retry-After` when rate limited.

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use trellis_shared::views::home::{JiraIssue, JiraIssues};

use crate::{Upstream, UpstreamError};

/// The fields the card needs.
pub const FIELDS: &str = "summary,status,priority,duedate,issuetype,project";

/// Most issues read for one person (pages of [`PAGE`]).
pub const MAX_ISSUES: usize = 200;

/// Issues asked per page.
pub const PAGE: usize = 50;

/// One entry of `integrations.jira`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JiraIntegration {
    /// The site, `https://acme.atlassian.net`.
    pub base_url: String,
    /// The account Trellis signs in as.
    pub email: String,
    /// Its API token (`${JIRA_TOKEN}`); never sent to browsers.
    pub token: String,
}

impl JiraIntegration {
    /// What is wrong with it, as `key: message`.
    pub fn problems(&self, at: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            out.push(format!(
                "{at}.baseUrl: must be an http(s) URL, not '{}'",
                self.base_url
            ));
        }
        if !self.email.contains('@') {
            out.push(format!(
                "{at}.email: must be the e-mail of the account Trellis signs in as"
            ));
        }
        if self.token.trim().is_empty() {
            out.push(format!("{at}.token: is required"));
        }
        out
    }
}

/// What the home page asks Jira.
pub trait JiraApi: Send + Sync + 'static {
    /// The open issues assigned to the person with this e-mail.
    fn my_issues(&self, email: String) -> BoxFuture<'_, Result<JiraIssues, UpstreamError>>;

    /// The upstream behind it.
    fn upstream(&self) -> &Upstream;
}

/// The REST client.
#[derive(Debug)]
pub struct JiraClient {
    upstream: std::sync::Arc<Upstream>,
    config: JiraIntegration,
}

impl JiraClient {
    /// A client for `config` calling through `upstream`.
    pub fn new(config: &JiraIntegration, upstream: std::sync::Arc<Upstream>) -> Self {
        let mut config = config.clone();
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        Self { upstream, config }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    async fn fetch(&self, email: String) -> Result<JiraIssues, UpstreamError> {
        let up = &self.upstream;
        let c = &self.config;
        let answer = up
            .call("user_search", true, |http| {
                http.get(self.url("/rest/api/3/user/search"))
                    .basic_auth(&c.email, Some(&c.token))
                    .query(&[("query", email.as_str())])
            })
            .await?;
        let users: Vec<User> = up.json(&answer)?;
        let user = users
            .iter()
            .find(|u| {
                u.email_address
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&email))
            })
            .or_else(|| users.first())
            .ok_or_else(|| {
                UpstreamError::UnknownPerson(format!("Jira has no account for {email}"))
            })?;
        let id = &user.account_id;
        // It goes into JQL: account ids are letters, digits, ':' and '-'.
        if id.is_empty()
            || !id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ":-_".contains(ch))
        {
            return Err(UpstreamError::Decode {
                upstream: up.name(),
                detail: format!("'{id}' is not an account id"),
            });
        }
        let jql = format!(
            "assignee = \"{id}\" AND statusCategory != Done ORDER BY duedate ASC, updated DESC"
        );
        let today = chrono::Utc::now().date_naive();
        let mut issues = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let max = PAGE.to_string();
            let answer = up
                .call("search", true, |http| {
                    let mut q = vec![
                        ("jql", jql.as_str()),
                        ("fields", FIELDS),
                        ("maxResults", max.as_str()),
                    ];
                    if let Some(t) = &token {
                        q.push(("nextPageToken", t.as_str()));
                    }
                    http.get(self.url("/rest/api/3/search/jql"))
                        .basic_auth(&c.email, Some(&c.token))
                        .query(&q)
                })
                .await?;
            let page: SearchPage = up.json(&answer)?;
            issues.extend(page.issues.into_iter().map(|i| view(&c.base_url, i, today)));
            token = page.next_page_token.filter(|_| issues.len() < MAX_ISSUES);
            if token.is_none() {
                let more = issues.len() >= MAX_ISSUES;
                issues.truncate(MAX_ISSUES);
                return Ok(JiraIssues {
                    account_id: id.clone(),
                    issues,
                    more,
                });
            }
        }
    }
}

impl JiraApi for JiraClient {
    fn my_issues(&self, email: String) -> BoxFuture<'_, Result<JiraIssues, UpstreamError>> {
        Box::pin(self.fetch(email))
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    account_id: String,
    #[serde(default)]
    email_address: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchPage {
    #[serde(default)]
    issues: Vec<Issue>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct Issue {
    key: String,
    #[serde(default)]
    fields: Fields,
}

#[derive(Deserialize, Default)]
struct Fields {
    #[serde(default)]
    summary: String,
    status: Option<Status>,
    priority: Option<Named>,
    duedate: Option<String>,
    issuetype: Option<Named>,
    project: Option<Project>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    name: String,
    status_category: Option<Category>,
}

#[derive(Deserialize)]
struct Category {
    key: String,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Project {
    key: String,
}

fn view(base: &str, i: Issue, today: chrono::NaiveDate) -> JiraIssue {
    let f = i.fields;
    let due_in_days = f
        .duedate
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| (d - today).num_days());
    JiraIssue {
        url: format!("{base}/browse/{}", i.key),
        project: f
            .project
            .map(|p| p.key)
            .unwrap_or_else(|| i.key.split('-').next().unwrap_or_default().to_string()),
        key: i.key,
        summary: f.summary,
        status_category: f
            .status
            .as_ref()
            .and_then(|s| s.status_category.as_ref())
            .map(|c| c.key.clone())
            .unwrap_or_else(|| "new".into()),
        status: f.status.map(|s| s.name).unwrap_or_default(),
        priority: f.priority.map(|p| p.name),
        due: f.duedate,
        due_in_days,
        issue_type: f.issuetype.map(|t| t.name).unwrap_or_default(),
    }
}
