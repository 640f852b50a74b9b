//! `pagerDuty.*`: the PagerDuty card's config, in the keys of PagerDuty's Backstage plugin,
//! and its checks.

use serde::{Deserialize, Serialize};

use super::oauth::PagerDutyOAuthConfig;

/// `pagerDuty.*` (PagerDuty's Backstage plugin's keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PagerDutyConfig {
    /// The REST API (`https://api.pagerduty.com`; EU: `https://api.eu.pagerduty.com`).
    pub api_base_url: Option<String>,
    /// A REST API key (`${PAGERDUTY_TOKEN}`); never sent to browsers. Unset: no PagerDuty card.
    pub api_token: Option<String>,
    /// Scoped OAuth instead of a key: the app's credentials.
    pub oauth: Option<PagerDutyOAuthConfig>,
    /// How many days ahead the card looks for my next shifts (1 to 90; default 14).
    pub on_call_days: Option<u32>,
}

/// Whether `id` looks like a PagerDuty object id (`P5BLJZR`): it goes into queries.
pub fn is_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric())
}

impl PagerDutyConfig {
    /// Whether the card is on.
    pub fn enabled(&self) -> bool {
        self.key().is_some() || self.oauth.is_some()
    }

    /// The REST API key, when one is set.
    pub(crate) fn key(&self) -> Option<&str> {
        self.api_token.as_deref().filter(|t| !t.trim().is_empty())
    }

    /// The days ahead the card looks.
    pub fn window_days(&self) -> u32 {
        self.on_call_days.unwrap_or(14)
    }

    /// What is wrong with it, as `key: message`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(url) = &self.api_base_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                out.push(format!(
                    "pagerDuty.apiBaseUrl: must be an http(s) URL, not '{url}'"
                ));
            }
        }
        if let (Some(oauth), None) = (&self.oauth, self.key()) {
            out.extend(oauth.problems());
        }
        if !(1..=90).contains(&self.window_days()) {
            out.push("pagerDuty.onCallDays: must be 1 to 90 (PagerDuty answers on-calls for at most 90 days)".into());
        }
        out
    }
}
