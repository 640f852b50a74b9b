//! `auth.*` (how people sign in) and `permission.*` (what they may do).
//!
//! ```yaml
//! auth:
//!   mode: proxy                       # or guest (demos only: pick a user, no sign-in)
//!   signInUrl: https://sso.example.com/oauth2/start
//!   signOutUrl: https://sso.example.com/oauth2/sign_out
//!   proxy:
//!     trustedProxies: [10.0.0.0/8]   # every configured check must pass
//!     secret: { header: X-Trellis-Proxy-Secret, value: ${PROXY_SECRET} }
//!     jwt: { header: Authorization, jwksFile: /etc/trellis/jwks.json,
//!            issuer: https://sso.example.com, audience: trellis }
//!   resolvers: [emailMatchingUserEntityProfileEmail, forwardedUserMatchingUserEntityName]
//!   allowedDomains: [example.com]
//! permission:
//!   admins: [group:default/platform]
//!   rules: [{ effect: allow, actions: [refresh], resources: [catalog-entity], who: anyone }]
//! ```
//! The resolver names are Backstage's (`emailMatchingUserEntityProfileEmail`,
//! `emailLocalPartMatchingUserEntityName`, `forwardedUserMatchingUserEntityName`), so a
//! Backstage sign-in setup reads the same.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::policy::Rule;

/// `auth.*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthConfig {
    /// How identity is established.
    pub mode: AuthMode,
    /// Where browsers without identity are sent (the proxy's sign-in start); the original path
    /// goes along as `rd`.
    pub sign_in_url: String,
    /// The sign-out link in the page header.
    pub sign_out_url: String,
    /// Proxy mode: which requests' identity headers are believed, and which headers.
    pub proxy: ProxyConfig,
    /// Resolvers, tried in order until one matches.
    pub resolvers: Vec<ResolverName>,
    /// Email domains allowed to sign in (empty: any).
    pub allowed_domains: Vec<String>,
    /// Let people without a User entity sign in (as `user:default/<name>`, owning nothing).
    pub allow_users_not_in_catalog: bool,
    /// Seconds a resolved identity is reused before the catalog is asked again.
    pub identity_ttl_secs: u64,
    /// Guest mode: the user visitors act as until they pick another.
    pub guest_user: String,
}

/// `auth.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Identity from a trusted OAuth proxy's headers.
    Proxy,
    /// No sign-in: visitors pick a user (demos and local use only).
    Guest,
}

/// `auth.proxy.*`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ProxyConfig {
    /// Peers (network ranges) whose identity headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// A header the proxy sends with a shared secret.
    pub secret: Option<SecretHeader>,
    /// A JWT the proxy forwards, verified before anything is believed.
    pub jwt: Option<JwtConfig>,
    /// Identity header names.
    pub headers: HeaderNames,
}

/// `auth.proxy.secret`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretHeader {
    /// Header name.
    pub header: String,
    /// The secret (at least 16 characters).
    pub value: String,
}

/// `auth.proxy.jwt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JwtConfig {
    /// Header carrying the token (`Authorization: Bearer <jwt>` or the bare token).
    #[serde(default = "authorization")]
    pub header: String,
    /// A JSON Web Key Set file (RFC 7517) holding the identity provider's public keys.
    pub jwks_file: String,
    /// Required `iss`.
    pub issuer: String,
    /// Accepted `aud` values (one must match).
    pub audience: Vec<String>,
    /// Accepted algorithms.
    #[serde(default = "rs256")]
    pub algorithms: Vec<String>,
    /// Seconds of clock skew tolerated on `exp` and `nbf`.
    #[serde(default = "leeway")]
    pub leeway_secs: u64,
}

fn authorization() -> String {
    "Authorization".into()
}
fn rs256() -> Vec<String> {
    vec!["RS256".into()]
}
fn leeway() -> u64 {
    30
}

/// `auth.proxy.headers`: names tried for each claim (oauth2-proxy's by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct HeaderNames {
    /// The user id.
    pub user: Vec<String>,
    /// The email address.
    pub email: Vec<String>,
    /// The preferred user name.
    pub preferred_username: Vec<String>,
}

impl Default for HeaderNames {
    fn default() -> Self {
        let both = |name: &str| {
            vec![
                format!("X-Forwarded-{name}"),
                format!("X-Auth-Request-{name}"),
            ]
        };
        HeaderNames {
            user: both("User"),
            email: both("Email"),
            preferred_username: both("Preferred-Username"),
        }
    }
}

/// A resolver (Backstage's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResolverName {
    /// The email equals a User's `spec.profile.email` (also with a `+tag` dropped).
    #[serde(rename = "emailMatchingUserEntityProfileEmail")]
    Email,
    /// The email's local part is a User's name.
    #[serde(rename = "emailLocalPartMatchingUserEntityName")]
    EmailLocalPart,
    /// The forwarded user (or preferred user name) is a User's name.
    #[serde(rename = "forwardedUserMatchingUserEntityName")]
    Username,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            mode: AuthMode::Proxy,
            sign_in_url: "/oauth2/start".into(),
            sign_out_url: "/oauth2/sign_out".into(),
            proxy: ProxyConfig::default(),
            resolvers: vec![
                ResolverName::Email,
                ResolverName::EmailLocalPart,
                ResolverName::Username,
            ],
            allowed_domains: Vec::new(),
            allow_users_not_in_catalog: false,
            identity_ttl_secs: 60,
            guest_user: "user:default/demo.user".into(),
        }
    }
}

impl AuthConfig {
    /// What is wrong with the config, as `key: message` lines (empty when fine).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let proxy = &self.proxy;
        if self.mode == AuthMode::Proxy
            && proxy.trusted_proxies.is_empty()
            && proxy.secret.is_none()
            && proxy.jwt.is_none()
        {
            out.push("auth.proxy: proxy mode (the default) needs at least one of trustedProxies, secret or jwt, or anyone could send identity headers; for local use set auth.mode: guest".into());
        }
        if let Some(secret) = &proxy.secret {
            if http::HeaderName::from_bytes(secret.header.as_bytes()).is_err() {
                out.push(format!(
                    "auth.proxy.secret.header: `{}` is not a header name",
                    secret.header
                ));
            }
            if secret.value.chars().count() < 16 {
                out.push("auth.proxy.secret.value: must be at least 16 characters".into());
            }
        }
        if let Some(jwt) = &proxy.jwt {
            if let Err(e) = crate::jwt::Verifier::new(jwt) {
                out.push(format!("auth.proxy.jwt: {e}"));
            }
        }
        let lists = [
            ("user", &proxy.headers.user),
            ("email", &proxy.headers.email),
            ("preferred_username", &proxy.headers.preferred_username),
        ];
        for (key, names) in lists {
            for name in names {
                if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                    out.push(format!(
                        "auth.proxy.headers.{key}: `{name}` is not a header name"
                    ));
                }
            }
        }
        if self.mode == AuthMode::Proxy && self.resolvers.is_empty() {
            out.push("auth.resolvers: name at least one resolver".into());
        }
        if self.sign_in_url.trim().is_empty() {
            out.push("auth.signInUrl: must not be empty".into());
        }
        if !(1..=3600).contains(&self.identity_ttl_secs) {
            out.push("auth.identityTtlSecs: must be between 1 and 3600".into());
        }
        if trellis_shared::catalog::EntityRef::parse(
            &self.guest_user,
            Some("user"),
            Some("default"),
        )
        .is_err()
        {
            out.push(format!(
                "auth.guestUser: `{}` is not an entity reference",
                self.guest_user
            ));
        }
        out
    }
}

/// `permission.*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct PermissionConfig {
    /// Users and groups (entity refs) who may do everything; members of a group through nested
    /// groups count.
    pub admins: Vec<String>,
    /// Whether anyone signed in may read the catalog, workloads and integration data (default
    /// on). Off: only owners, admins and what the rules allow; lists show each viewer what its
    /// teams own.
    pub everyone_reads: bool,
    /// Extra rules, checked before the defaults (a matching deny wins over any allow).
    pub rules: Vec<Rule>,
    /// A YAML file with more rules (a list, same shape as `rules`).
    pub policy_file: Option<String>,
}

impl Default for PermissionConfig {
    fn default() -> Self {
        PermissionConfig {
            admins: Vec::new(),
            everyone_reads: true,
            rules: Vec::new(),
            policy_file: None,
        }
    }
}
