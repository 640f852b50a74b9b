//! PagerDuty's scoped OAuth: the portal signs in as a PagerDuty app, with the least it needs,
//! instead of holding a REST API key that can do everything.
//!
//! Contract (<https://developer.pagerduty.com/docs/e518101fde5f3-obtaining-an-app-o-auth-token>):
//! `POST https://identity.pagerduty.com/oauth/token`, form-encoded `grant_type=client_credentials`,
//! `client_id`, `client_secret` and `scope=as_account-<region>.<subdomain> <scopes>` (region `us`
//! or `eu`); `200 {access_token, token_type: "bearer", expires_in}` (seconds); a malformed
//! request is `400`, wrong credentials `401`. REST calls then carry `Authorization: Bearer
//! <access_token>`. Config in the shape of PagerDuty's Backstage plugin:
//! `pagerDuty.oauth: {clientId, clientSecret, subDomain, region}`; `tokenUrl` is Trellis' own
//! (PagerDuty's identity service unless set: a proxy, or the fake in tests).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{Upstream, UpstreamError};

/// PagerDuty's token endpoint (the same for both regions: the scope names the account).
pub const TOKEN_URL: &str = "https://identity.pagerduty.com/oauth/token";

/// The scopes the home page needs: who I am, my shifts, my teams' incidents (read only).
pub const SCOPES: &str = "incidents.read oncalls.read users.read";

/// A token is renewed this long before it expires.
const RENEW_BEFORE: Duration = Duration::from_secs(300);

/// `pagerDuty.oauth` (PagerDuty's Backstage plugin's keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PagerDutyOAuthConfig {
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret (`${PD_CLIENT_SECRET}`); never logged nor sent to browsers.
    pub client_secret: String,
    /// The account's subdomain (`acme` for `acme.pagerduty.com`).
    pub sub_domain: String,
    /// `us` (default) or `eu`.
    pub region: Option<String>,
    /// Where tokens are asked for (default [`TOKEN_URL`]).
    pub token_url: Option<String>,
}

impl PagerDutyOAuthConfig {
    fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("us")
    }

    /// The token request's `scope`.
    pub fn scope(&self) -> String {
        format!("as_account-{}.{} {SCOPES}", self.region(), self.sub_domain)
    }

    /// What is wrong with it, as `key: message`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value) in [
            ("clientId", &self.client_id),
            ("clientSecret", &self.client_secret),
        ] {
            if value.trim().is_empty() {
                out.push(format!("pagerDuty.oauth.{key}: is required"));
            }
        }
        let sub = &self.sub_domain;
        let valid = (1..=63).contains(&sub.len())
            && sub.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !sub.starts_with('-');
        if !valid {
            out.push(format!(
                "pagerDuty.oauth.subDomain: must be the account's subdomain (letters, digits, '-'), not '{}'",
                sub.chars().take(80).collect::<String>()
            ));
        }
        if !matches!(self.region(), "us" | "eu") {
            out.push(format!(
                "pagerDuty.oauth.region: must be 'us' or 'eu', not '{}'",
                self.region().chars().take(20).collect::<String>()
            ));
        }
        if let Some(url) = &self.token_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                out.push(format!(
                    "pagerDuty.oauth.tokenUrl: must be an http(s) URL, not '{url}'"
                ));
            }
        }
        out
    }
}

#[derive(Deserialize)]
struct TokenWire {
    access_token: String,
    expires_in: u64,
}

/// The app's current token, asked for when there is none or it is about to expire.
#[derive(Debug)]
pub(crate) struct Tokens {
    config: PagerDutyOAuthConfig,
    held: tokio::sync::Mutex<Option<(String, Instant)>>,
}

impl Tokens {
    pub(crate) fn new(config: PagerDutyOAuthConfig) -> Self {
        Self {
            config,
            held: tokio::sync::Mutex::new(None),
        }
    }

    /// The `Authorization` value for a REST call (one token request at a time).
    pub(crate) async fn authorization(&self, upstream: &Upstream) -> Result<String, UpstreamError> {
        let mut held = self.held.lock().await;
        if let Some((token, until)) = held.as_ref() {
            if Instant::now() + RENEW_BEFORE < *until {
                return Ok(format!("Bearer {token}"));
            }
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("client_secret", &self.config.client_secret)
            .append_pair("scope", &self.config.scope())
            .finish();
        let url = self.config.token_url.as_deref().unwrap_or(TOKEN_URL);
        let answer = upstream
            .call("oauth_token", false, |http| {
                http.post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("accept", "application/json")
                    .body(body.clone())
            })
            .await
            .map_err(|e| match e {
                UpstreamError::Status {
                    upstream,
                    status: status @ (400 | 401),
                    detail,
                } => UpstreamError::Status {
                    upstream,
                    status,
                    detail: format!(
                        "its OAuth token was refused (check pagerDuty.oauth's client id, secret and subdomain): {detail}"
                    ),
                },
                other => other,
            })?;
        let wire: TokenWire = upstream.json(&answer)?;
        let until = Instant::now() + Duration::from_secs(wire.expires_in);
        *held = Some((wire.access_token.clone(), until));
        Ok(format!("Bearer {}", wire.access_token))
    }

    /// Drops the token held (PagerDuty refused it: revoked, or expired early).
    pub(crate) async fn forget(&self) {
        *self.held.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_names_the_account_and_the_config_is_checked() {
        let good = PagerDutyOAuthConfig {
            client_id: "id".into(),
            client_secret: "secret".into(),
            sub_domain: "acme".into(),
            region: Some("eu".into()),
            token_url: None,
        };
        assert!(good.problems().is_empty(), "{:?}", good.problems());
        assert_eq!(
            good.scope(),
            "as_account-eu.acme incidents.read oncalls.read users.read"
        );
        let bad = PagerDutyOAuthConfig {
            client_id: " ".into(),
            client_secret: String::new(),
            sub_domain: "acme.pagerduty.com/x".into(),
            region: Some("apac".into()),
            token_url: Some("ftp://x".into()),
        };
        let problems = bad.problems().join("\n");
        for key in [
            "clientId",
            "clientSecret",
            "subDomain",
            "region",
            "tokenUrl",
        ] {
            assert!(
                problems.contains(&format!("pagerDuty.oauth.{key}")),
                "{problems}"
            );
        }
    }
}
