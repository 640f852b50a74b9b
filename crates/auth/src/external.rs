//! Machine callers (CI posting deploy events): Backstage's `backend.auth.externalAccess`
//! static tokens, in its config shape
//! (<https://backstage.io/docs/auth/service-to-service-auth#static-keys-for-plugin-to-plugin-auth>):
//!
//! ```yaml
//! backend:
//!   auth:
//!     externalAccess:
//!       - type: static
//!         options: { token: ${DEPLOY_EVENTS_TOKEN}, subject: ci-deployer }
//!         accessRestrictions: [{ plugin: deployments }]
//! ```
//!
//! A caller sends `Authorization: Bearer <token>`; tokens are compared in constant time and
//! never logged; the subject is what the audit log and the stored events name.

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// `backend.*` (only `backend.auth.externalAccess` is read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BackendConfig {
    /// `backend.auth`.
    pub auth: BackendAuth,
}

/// `backend.auth`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BackendAuth {
    /// Machine callers and their tokens.
    pub external_access: Vec<ExternalAccess>,
}

/// One `externalAccess` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExternalAccess {
    /// `static` (the only kind supported).
    #[serde(rename = "type")]
    pub kind: String,
    /// The token and who it is.
    pub options: StaticOptions,
    /// The plugins it may call (none: every plugin that takes machine callers).
    #[serde(default)]
    pub access_restrictions: Vec<Restriction>,
}

/// `options` of a static token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticOptions {
    /// The token (at least 16 characters, no whitespace).
    pub token: String,
    /// Who it is, in logs and records.
    pub subject: String,
}

/// One `accessRestrictions` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restriction {
    /// A plugin id (`deployments`).
    pub plugin: String,
}

/// A machine caller whose token matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalCaller {
    /// Its subject.
    pub subject: String,
}

impl BackendConfig {
    /// Every problem, as `key: message`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, a) in self.auth.external_access.iter().enumerate() {
            let at = format!("backend.auth.externalAccess[{i}]");
            if a.kind != "static" {
                out.push(format!(
                    "{at}.type: only `static` is supported, not '{}'",
                    a.kind
                ));
            }
            let t = &a.options.token;
            if t.len() < 16 || t.chars().any(char::is_whitespace) {
                out.push(format!(
                    "{at}.options.token: at least 16 characters without whitespace"
                ));
            }
            let s = &a.options.subject;
            if s.is_empty()
                || s.len() > 100
                || s.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                out.push(format!(
                    "{at}.options.subject: 1 to 100 characters without whitespace"
                ));
            }
        }
        out
    }

    /// The caller whose token `bearer` is, if it may call `plugin`.
    pub fn caller(&self, bearer: &str, plugin: &str) -> Option<ExternalCaller> {
        let given = bearer.as_bytes();
        self.auth
            .external_access
            .iter()
            .filter(|a| a.kind == "static")
            .find(|a| bool::from(a.options.token.as_bytes().ct_eq(given)))
            .filter(|a| {
                a.access_restrictions.is_empty()
                    || a.access_restrictions.iter().any(|r| r.plugin == plugin)
            })
            .map(|a| ExternalCaller {
                subject: a.options.subject.clone(),
            })
    }

    /// The config with every token hidden.
    pub fn redacted(&self) -> Self {
        let mut shown = self.clone();
        for a in &mut shown.auth.external_access {
            a.options.token = "********".into();
        }
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> BackendConfig {
        serde_json::from_value(serde_json::json!({"auth": {"externalAccess": [
            {"type": "static", "options": {"token": "ci-token-0123456789", "subject": "ci"},
             "accessRestrictions": [{"plugin": "deployments"}]},
            {"type": "static", "options": {"token": "short", "subject": "has space"}},
        ]}}))
        .expect("parses")
    }

    #[test]
    fn tokens_match_exactly_and_only_for_their_plugins() {
        let c = config();
        assert_eq!(
            c.caller("ci-token-0123456789", "deployments")
                .map(|c| c.subject),
            Some("ci".into())
        );
        assert_eq!(c.caller("ci-token-0123456789", "catalog"), None);
        assert_eq!(c.caller("ci-token-012345678", "deployments"), None);
        assert_eq!(c.caller("", "deployments"), None);
        let p = c.problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("backend.auth.externalAccess[1].options.token"));
        assert_eq!(
            c.redacted().auth.external_access[0].options.token,
            "********"
        );
    }
}
