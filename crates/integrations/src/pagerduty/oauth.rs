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

/// A token is renewed this long before it expires (at most half its life).
const RENEW_BEFORE: Duration = Duration::from_secs(300);
/// The lifetimes believed of a token: an answer outside them is clamped.
const LIFETIME: (u64, u64) = (60, 86_400);

/// `pagerDuty.oauth` (PagerDuty's Backstage plugin's keys).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

impl std::fmt::Debug for PagerDutyOAuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PagerDutyOAuthConfig")
            .field("client_id", &self.client_id)
            .field("sub_domain", &self.sub_domain)
            .field("region", &self.region)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl PagerDutyOAuthConfig {
    /// `us` or `eu`.
    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("us")
    }

    /// The token request's `scope`.
    pub fn scope(&self) -> String {
        format!("as_account-{}.{} {SCOPES}", self.region(), self.sub_domain)
    }

    /// What is wrong with it, as `key: message`.
    pub fn problems(&self) -> Vec<String> {
        self.problems_at("pagerDuty.oauth")
    }

    /// What is wrong with it, its keys under `at`.
    pub fn problems_at(&self, at: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value) in [
            ("clientId", &self.client_id),
            ("clientSecret", &self.client_secret),
        ] {
            if value.trim().is_empty() {
                out.push(format!("{at}.{key}: is required"));
            }
        }
        let sub = &self.sub_domain;
        let valid = (1..=63).contains(&sub.len())
            && sub.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !sub.starts_with('-');
        if !valid {
            out.push(format!(
                "{at}.subDomain: must be the account's subdomain (letters, digits, '-'), not '{}'",
                sub.chars().take(80).collect::<String>()
            ));
        }
        if !matches!(self.region(), "us" | "eu") {
            out.push(format!(
                "{at}.region: must be 'us' or 'eu', not '{}'",
                self.region().chars().take(20).collect::<String>()
            ));
        }
        if let Some(url) = &self.token_url {
            // The secret goes in the request: never in the clear off this machine.
            let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| {
                    url.strip_prefix(p)
                        .is_some_and(|r| r.is_empty() || r.starts_with([':', '/']))
                });
            if !(url.starts_with("https://") || loopback) {
                out.push(format!(
                    "{at}.tokenUrl: must be an https URL (http only on loopback), not '{}'",
                    url.chars().take(200).collect::<String>()
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

/// The app's current token (with when to renew it), asked for when there is none or it is
/// about to expire.
pub(crate) struct Tokens {
    config: PagerDutyOAuthConfig,
    held: tokio::sync::Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
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
        if let Some((token, renew_at)) = held.as_ref() {
            if Instant::now() < *renew_at {
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
            .map_err(|e| self.scrubbed(e))?;
        let wire: TokenWire = upstream.json(&answer).map_err(|e| self.scrubbed(e))?;
        let life = Duration::from_secs(wire.expires_in.clamp(LIFETIME.0, LIFETIME.1));
        let renew_at = Instant::now() + life - RENEW_BEFORE.min(life / 2);
        *held = Some((wire.access_token.clone(), renew_at));
        Ok(format!("Bearer {}", wire.access_token))
    }

    /// `e` as it may be logged and shown: a refusal says which keys to check, and nothing an
    /// answer echoed of the request carries the secret.
    fn scrubbed(&self, e: UpstreamError) -> UpstreamError {
        let secret = self.config.client_secret.as_str();
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let clean = |d: String| {
            if secret.is_empty() {
                d
            } else {
                d.replace(&encoded, "********").replace(secret, "********")
            }
        };
        match e {
            UpstreamError::Status {
                upstream,
                status,
                detail,
            } => UpstreamError::Status {
                upstream,
                status,
                detail: if matches!(status, 400 | 401) {
                    format!(
                        "its OAuth token was refused (check pagerDuty.oauth's client id, secret and subdomain): {}",
                        clean(detail)
                    )
                } else {
                    clean(detail)
                },
            },
            UpstreamError::Decode { upstream, detail } => UpstreamError::Decode {
                upstream,
                detail: clean(detail),
            },
            UpstreamError::Transport { upstream, detail } => UpstreamError::Transport {
                upstream,
                detail: clean(detail),
            },
            other => other,
        }
    }

    /// Drops the token held if it is still `refused` (PagerDuty refused it: revoked, or expired
    /// early); a newer one, which another call fetched meanwhile, stays.
    pub(crate) async fn forget(&self, refused: &str) {
        let mut held = self.held.lock().await;
        if held
            .as_ref()
            .is_some_and(|(token, _)| refused.strip_prefix("Bearer ") == Some(token.as_str()))
        {
            *held = None;
        }
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
        for fine in [
            "https://proxy.acme.example/pd",
            "http://127.0.0.1:9/oauth/token",
            "http://localhost/t",
        ] {
            let c = PagerDutyOAuthConfig {
                token_url: Some(fine.into()),
                ..good.clone()
            };
            assert!(c.problems().is_empty(), "{fine}: {:?}", c.problems());
        }
        assert!(
            !format!("{good:?}").contains("secret"),
            "Debug hides the secret"
        );
        assert_eq!(
            good.scope(),
            "as_account-eu.acme incidents.read oncalls.read users.read"
        );
        let bad = PagerDutyOAuthConfig {
            client_id: " ".into(),
            client_secret: String::new(),
            sub_domain: "acme.pagerduty.com/x".into(),
            region: Some("apac".into()),
            token_url: Some("http://identity.example/oauth/token".into()),
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
