//! GitHub App credentials: Trellis signs a JWT as the app and trades it for installation
//! access tokens, so nobody is asked to sign in to GitHub for the home page. Config in
//! Backstage's `integrations.github[].apps[]` shape (`appId`, `privateKey`, `clientId`,
//! `clientSecret`, `webhookSecret`, `allowedInstallationOwners`).
//!
//! API contract:
//! - <https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app>:
//!   RS256, `iat` 60 s in the past (clock drift), `exp` at most 10 minutes ahead, `iss` the app.
//! - <https://docs.github.com/en/rest/apps/apps#list-installations-for-the-authenticated-app>:
//!   `GET /app/installations?per_page=&page=` with the JWT, each with `id` and `account.login`.
//! - <https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app>:
//!   `POST /app/installations/{id}/access_tokens`, `201 {token, expires_at}` (an hour).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

use crate::{Upstream, UpstreamError};

/// One entry of `integrations.github[].apps` (Backstage's keys; the OAuth and webhook ones
/// are accepted for compatibility and unused: the home page needs no user sign-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitHubAppConfig {
    /// The app's id (a number; a string of digits from `${ENV}` works too).
    #[serde(deserialize_with = "app_id")]
    pub app_id: u64,
    /// The app's private key, PEM (`${GITHUB_APP_PRIVATE_KEY}`); never sent to browsers.
    pub private_key: String,
    /// Accepted, unused.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Accepted, unused.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Accepted, unused.
    #[serde(default)]
    pub webhook_secret: Option<String>,
    /// Only installations on these accounts are used (all when absent).
    #[serde(default)]
    pub allowed_installation_owners: Option<Vec<String>>,
}

fn app_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    match Id::deserialize(d)? {
        Id::Number(n) => Ok(n),
        Id::Text(t) => t
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("appId must be a number, not '{t}'"))),
    }
}

impl GitHubAppConfig {
    /// What is wrong with it, if anything (named by its key).
    pub fn problems(&self, at: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.app_id == 0 {
            out.push(format!("{at}.appId: must be the app's id, not 0"));
        }
        if let Err(e) = EncodingKey::from_rsa_pem(self.private_key.as_bytes()) {
            out.push(format!(
                "{at}.privateKey: must be the app's RSA private key in PEM ({e})"
            ));
        }
        for owner in self.allowed_installation_owners.iter().flatten() {
            if !is_login(owner) {
                out.push(format!(
                    "{at}.allowedInstallationOwners: '{owner}' is not a GitHub account name"
                ));
            }
        }
        out
    }
}

/// A GitHub account name: 1 to 39 letters, digits or inner hyphens.
fn is_login(s: &str) -> bool {
    (1..=39).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// How long the list of installations is trusted.
const INSTALLATIONS_TTL: Duration = Duration::from_secs(600);
/// A token is renewed this long before it expires.
const RENEW_BEFORE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);
/// Installations asked for per page, and pages read at most.
const PER_PAGE: usize = 100;
const MAX_PAGES: usize = 10;
/// Installations the pull request search runs in at most (one search each per person per
/// refresh): an app installed on more accounts needs `allowedInstallationOwners`.
pub const MAX_SEARCHED_INSTALLATIONS: usize = 20;

#[derive(Debug, Clone)]
struct Installation {
    id: u64,
    owner: String,
}

#[derive(Debug, Default)]
struct State {
    installations: Option<(Instant, Vec<Installation>)>,
    tokens: HashMap<u64, (String, DateTime<Utc>)>,
}

#[derive(Deserialize)]
struct InstallationWire {
    id: u64,
    account: Option<Account>,
    /// Set while the installation is suspended (its tokens are refused).
    #[serde(default)]
    suspended_at: Option<String>,
}
#[derive(Deserialize)]
struct Account {
    login: String,
}
#[derive(Deserialize)]
struct TokenWire {
    token: String,
    expires_at: String,
}

#[derive(Serialize)]
struct Claims {
    iat: i64,
    exp: i64,
    iss: String,
}

/// One app's installation tokens, fetched when first needed and renewed before they expire.
/// One lock: concurrent requests for a token wait for the one fetch.
pub(crate) struct AppTokens {
    app_id: u64,
    key: EncodingKey,
    allowed: Option<Vec<String>>,
    rest_url: String,
    upstream: Arc<Upstream>,
    state: tokio::sync::Mutex<State>,
}

impl std::fmt::Debug for AppTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppTokens")
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl AppTokens {
    /// Tokens of `config`'s app from the REST API at `rest_url`.
    pub(crate) fn new(
        config: &GitHubAppConfig,
        rest_url: String,
        upstream: Arc<Upstream>,
    ) -> Result<Self, UpstreamError> {
        let key = EncodingKey::from_rsa_pem(config.private_key.as_bytes()).map_err(|e| {
            UpstreamError::Local(format!("the GitHub App's private key is not RSA PEM: {e}"))
        })?;
        Ok(Self {
            app_id: config.app_id,
            key,
            allowed: config
                .allowed_installation_owners
                .as_ref()
                .map(|o| o.iter().map(|s| s.to_ascii_lowercase()).collect()),
            rest_url,
            upstream,
            state: tokio::sync::Mutex::new(State::default()),
        })
    }

    /// The app's JWT, valid for nine minutes.
    fn jwt(&self) -> Result<String, UpstreamError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iat: now - 60,
            exp: now + 9 * 60,
            iss: self.app_id.to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|e| UpstreamError::Local(format!("cannot sign the GitHub App's JWT: {e}")))
    }

    /// The token of the installation on `owner`'s account; `None` when the app is not
    /// installed there (or that account is not allowed).
    pub(crate) async fn for_owner(&self, owner: &str) -> Result<Option<String>, UpstreamError> {
        let mut state = self.state.lock().await;
        let found = self
            .installations(&mut state)
            .await?
            .into_iter()
            .find(|i| i.owner.eq_ignore_ascii_case(owner));
        match found {
            Some(i) => self.token(&mut state, i.id).await.map(Some),
            None => Ok(None),
        }
    }

    /// A token for each installation, the first [`MAX_SEARCHED_INSTALLATIONS`] of them (the pull
    /// request search runs once per installation).
    pub(crate) async fn all(&self) -> Result<Vec<String>, UpstreamError> {
        let mut state = self.state.lock().await;
        let installations = self.installations(&mut state).await?;
        let mut out = Vec::new();
        let mut failed = None;
        for i in installations.iter().take(MAX_SEARCHED_INSTALLATIONS) {
            // One installation GitHub will not give a token for leaves the others searched.
            match self.token(&mut state, i.id).await {
                Ok(token) => out.push(token),
                Err(e) => {
                    tracing::warn!(installation = i.id, owner = %i.owner, error = %e, "no token for a GitHub App installation; searching the others");
                    failed.get_or_insert(e);
                }
            }
        }
        match (out.is_empty(), failed) {
            (true, Some(e)) => Err(e),
            _ => Ok(out),
        }
    }

    /// Drops the tokens kept (GitHub refused one: revoked, or expired early).
    pub(crate) async fn forget_tokens(&self) {
        self.state.lock().await.tokens.clear();
    }

    async fn installations(&self, state: &mut State) -> Result<Vec<Installation>, UpstreamError> {
        if let Some((at, list)) = &state.installations {
            if at.elapsed() < INSTALLATIONS_TTL {
                return Ok(list.clone());
            }
        }
        let url = format!("{}/app/installations", self.rest_url);
        let mut list = Vec::new();
        for page in 1..=MAX_PAGES {
            let jwt = self.jwt()?;
            let page_s = page.to_string();
            let per_page = PER_PAGE.to_string();
            let answer = self
                .upstream
                .call("app_installations", true, |http| {
                    http.get(&url)
                        .bearer_auth(&jwt)
                        .header("accept", "application/vnd.github+json")
                        .header("x-github-api-version", "2022-11-28")
                        .query(&[("per_page", per_page.as_str()), ("page", page_s.as_str())])
                })
                .await?;
            let wire: Vec<InstallationWire> = self.upstream.json(&answer)?;
            let n = wire.len();
            list.extend(
                wire.into_iter()
                    .filter(|w| w.suspended_at.is_none())
                    .filter_map(|w| {
                        let owner = w.account?.login;
                        let allowed = self
                            .allowed
                            .as_ref()
                            .is_none_or(|a| a.contains(&owner.to_ascii_lowercase()));
                        allowed.then_some(Installation { id: w.id, owner })
                    }),
            );
            if n < PER_PAGE {
                break;
            }
        }
        if list.len() > MAX_SEARCHED_INSTALLATIONS {
            tracing::warn!(
                installations = list.len(),
                searched = MAX_SEARCHED_INSTALLATIONS,
                "the GitHub App is installed on more accounts than the pull request search runs in; list the ones to search in allowedInstallationOwners"
            );
        }
        state.installations = Some((Instant::now(), list.clone()));
        Ok(list)
    }

    async fn token(&self, state: &mut State, id: u64) -> Result<String, UpstreamError> {
        if let Some((token, expires)) = state.tokens.get(&id) {
            if *expires - RENEW_BEFORE > Utc::now() {
                return Ok(token.clone());
            }
        }
        let jwt = self.jwt()?;
        let url = format!("{}/app/installations/{id}/access_tokens", self.rest_url);
        let answer = self
            .upstream
            .call("app_token", false, |http| {
                http.post(&url)
                    .bearer_auth(&jwt)
                    .header("accept", "application/vnd.github+json")
                    .header("x-github-api-version", "2022-11-28")
            })
            .await?;
        let wire: TokenWire = self.upstream.json(&answer)?;
        let expires = DateTime::parse_from_rfc3339(&wire.expires_at)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| UpstreamError::Decode {
                upstream: self.upstream.name(),
                detail: format!("expires_at '{}': {e}", wire.expires_at),
            })?;
        state.tokens.insert(id, (wire.token.clone(), expires));
        Ok(wire.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids_and_owners_are_checked() {
        let parsed: GitHubAppConfig =
            serde_json::from_str(r#"{"appId": "42", "privateKey": "nope"}"#).expect("string id");
        assert_eq!(parsed.app_id, 42);
        let p = parsed.problems("integrations.github[0].apps[0]");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("integrations.github[0].apps[0].privateKey"));
        assert!(
            serde_json::from_str::<GitHubAppConfig>(r#"{"appId": "x1", "privateKey": ""}"#)
                .is_err()
        );
        assert!(is_login("acme-corp") && !is_login("-acme") && !is_login("a/b"));
        assert!(!is_login(&"a".repeat(40)));
    }
}
