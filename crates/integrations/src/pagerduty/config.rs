//! `pagerDuty.*`: the PagerDuty card's config, in the keys of PagerDuty's Backstage plugin
//! (one account: `apiToken` or `oauth`; several: `accounts[]`, as the plugin's multi-account
//! config has them, each service on the account its `pagerduty.com/account` annotation names,
//! else on the default one), and its checks.

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
    /// Several accounts instead of one (then `apiToken` and `oauth` above are not used).
    pub accounts: Vec<PagerDutyAccount>,
}

/// `pagerDuty.accounts[]`: one PagerDuty account.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PagerDutyAccount {
    /// Its id, as the `pagerduty.com/account` annotation names it.
    pub id: String,
    /// Services without the annotation are on this account (and my `pagerduty.com/user-id`).
    pub is_default: bool,
    /// Its REST API, if not `pagerDuty.apiBaseUrl` (or PagerDuty's).
    pub api_base_url: Option<String>,
    /// Its REST API key.
    pub api_token: Option<String>,
    /// Or its scoped OAuth app.
    pub oauth: Option<PagerDutyOAuthConfig>,
}

impl std::fmt::Debug for PagerDutyAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PagerDutyAccount")
            .field("id", &self.id)
            .field("is_default", &self.is_default)
            .field("api_base_url", &self.api_base_url)
            .field("oauth", &self.oauth)
            .finish_non_exhaustive()
    }
}

/// Most accounts configured.
pub const MAX_ACCOUNTS: usize = 20;

/// Whether `id` looks like a PagerDuty object id (`P5BLJZR`): it goes into queries.
pub fn is_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric())
}

impl PagerDutyConfig {
    /// Whether the card is on.
    pub fn enabled(&self) -> bool {
        self.key().is_some() || self.oauth.is_some() || !self.accounts.is_empty()
    }

    /// Each account as a config of one (its base, else the shared one), and which is the
    /// default: the one marked, else the only one.
    pub fn each_account(&self) -> (Vec<(String, PagerDutyConfig)>, usize) {
        let one = self
            .accounts
            .iter()
            .map(|a| {
                let single = PagerDutyConfig {
                    api_base_url: a.api_base_url.clone().or_else(|| self.api_base_url.clone()),
                    api_token: a.api_token.clone(),
                    oauth: a.oauth.clone(),
                    on_call_days: self.on_call_days,
                    accounts: Vec::new(),
                };
                (a.id.clone(), single)
            })
            .collect();
        let default = self.accounts.iter().position(|a| a.is_default).unwrap_or(0);
        (one, default)
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
        out.extend(base_url_problem("pagerDuty", &self.api_base_url));
        if let (Some(oauth), None, true) = (&self.oauth, self.key(), self.accounts.is_empty()) {
            out.extend(oauth.problems());
        }
        out.extend(self.account_problems());
        if !(1..=90).contains(&self.window_days()) {
            out.push("pagerDuty.onCallDays: must be 1 to 90 (PagerDuty answers on-calls for at most 90 days)".into());
        }
        out
    }
}

/// What is wrong with `<at>.apiBaseUrl`, if anything.
fn base_url_problem(at: &str, url: &Option<String>) -> Option<String> {
    let url = url.as_deref()?;
    let http = url.starts_with("https://") || url.starts_with("http://");
    (!http).then(|| format!("{at}.apiBaseUrl: must be an http(s) URL, not '{url}'"))
}

impl PagerDutyConfig {
    /// The config with every key and client secret hidden (`trellis config check`).
    pub fn redacted(&self) -> Self {
        const HIDDEN: &str = "********";
        let mut shown = self.clone();
        let hide = |token: &mut Option<String>, oauth: &mut Option<PagerDutyOAuthConfig>| {
            if let Some(t) = token.as_mut() {
                *t = HIDDEN.into();
            }
            if let Some(o) = oauth.as_mut() {
                o.client_secret = HIDDEN.into();
            }
        };
        hide(&mut shown.api_token, &mut shown.oauth);
        for a in &mut shown.accounts {
            hide(&mut a.api_token, &mut a.oauth);
        }
        shown
    }

    fn account_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.accounts.len() > MAX_ACCOUNTS {
            out.push(format!(
                "pagerDuty.accounts: at most {MAX_ACCOUNTS} accounts"
            ));
        }
        for (i, a) in self.accounts.iter().enumerate() {
            let at = format!("pagerDuty.accounts[{i}]");
            let valid = (1..=64).contains(&a.id.len())
                && a.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if !valid {
                out.push(format!(
                    "{at}.id: letters, digits, '-', '_' or '.' (1 to 64), not '{}'",
                    a.id.chars().take(80).collect::<String>()
                ));
            } else if self.accounts[..i].iter().any(|b| b.id == a.id) {
                out.push(format!("{at}.id: '{}' is listed twice", a.id));
            }
            out.extend(base_url_problem(&at, &a.api_base_url));
            let key = a.api_token.as_deref().is_some_and(|t| !t.trim().is_empty());
            match (&a.oauth, key) {
                (_, true) => {}
                (Some(oauth), false) => out.extend(oauth.problems_at(&format!("{at}.oauth"))),
                (None, false) => out.push(format!("{at}: needs apiToken or oauth")),
            }
        }
        let defaults = self.accounts.iter().filter(|a| a.is_default).count();
        if defaults > 1 {
            out.push("pagerDuty.accounts: only one account can be isDefault".into());
        } else if defaults == 0 && self.accounts.len() > 1 {
            out.push("pagerDuty.accounts: mark one account isDefault (services without pagerduty.com/account are on it)".into());
        }
        out
    }
}
