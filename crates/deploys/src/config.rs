//! `deployments.*`: the deploy targets "find any commit" reports on.
//!
//! ```yaml
//! deployments:
//!   environments:
//!     - name: production
//!       source: githubDeployments     # the latest successful GitHub Deployment
//!       githubEnvironment: prod       # its environment name on GitHub (default: name)
//!     - name: staging
//!       source: events                # POST /api/deployments/events
//!     - name: ios
//!       source: releaseTags           # the first tag matching the pattern that contains it
//!       tagPattern: "ios-v*"
//! ```

use serde::{Deserialize, Serialize};

/// Most environments.
pub const MAX_ENVIRONMENTS: usize = 20;

/// `deployments.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct DeploymentsConfig {
    /// The deploy targets, in the order the report shows them.
    pub environments: Vec<Environment>,
}

/// Where an environment's deployed commit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// GitHub Deployments: the newest with status `success` is live, `inactive` ones were.
    GithubDeployments,
    /// Deploy events posted to Trellis, per component.
    Events,
    /// Release tags matching `tagPattern` (mobile releases).
    ReleaseTags,
}

/// `deployments.environments[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Environment {
    /// Its name, as people say it (`production`).
    pub name: String,
    /// Where its deployed commit comes from.
    pub source: SourceKind,
    /// `githubDeployments`: the environment's name on GitHub (default: `name`).
    #[serde(default)]
    pub github_environment: Option<String>,
    /// `releaseTags`: a glob the release tags match (`ios-v*`, `android/*`).
    #[serde(default)]
    pub tag_pattern: Option<String>,
}

impl Environment {
    /// The GitHub environment name.
    pub fn on_github(&self) -> &str {
        self.github_environment.as_deref().unwrap_or(&self.name)
    }

    /// The tag pattern, compiled.
    pub fn pattern(&self) -> Option<glob::Pattern> {
        self.tag_pattern
            .as_deref()
            .and_then(|p| glob::Pattern::new(p).ok())
    }
}

/// Whether `name` may name an environment or a component in events: letters, digits, `-_.`,
/// 1 to 100 characters, starting and ending with a letter or digit (as Backstage's names).
pub fn is_name(name: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    (1..=100).contains(&name.len())
        && edge(name.chars().next())
        && edge(name.chars().last())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

impl DeploymentsConfig {
    /// Every problem, as `key: message`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.environments.len() > MAX_ENVIRONMENTS {
            out.push(format!(
                "deployments.environments: at most {MAX_ENVIRONMENTS} environments, not {}",
                self.environments.len()
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, e) in self.environments.iter().enumerate() {
            let at = format!("deployments.environments[{i}]");
            if !is_name(&e.name) {
                out.push(format!(
                    "{at}.name: letters, digits, '-', '_' and '.' (1 to 100, a letter or digit first and last), not '{}'",
                    e.name.chars().take(100).collect::<String>()
                ));
            } else if !seen.insert(e.name.to_ascii_lowercase()) {
                out.push(format!("{at}.name: '{}' is named twice", e.name));
            }
            match (e.source, &e.tag_pattern) {
                (SourceKind::ReleaseTags, None) => {
                    out.push(format!(
                        "{at}.tagPattern: is required with source releaseTags"
                    ));
                }
                (SourceKind::ReleaseTags, Some(p)) if p.len() > 200 || e.pattern().is_none() => {
                    out.push(format!("{at}.tagPattern: '{p}' is not a glob pattern"));
                }
                (SourceKind::GithubDeployments | SourceKind::Events, Some(_)) => {
                    out.push(format!("{at}.tagPattern: only with source releaseTags"));
                }
                _ => {}
            }
            if let Some(g) = &e.github_environment {
                if e.source != SourceKind::GithubDeployments || g.is_empty() || g.len() > 255 {
                    out.push(format!(
                        "{at}.githubEnvironment: 1 to 255 characters, only with source githubDeployments"
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_their_key() {
        let config: DeploymentsConfig = serde_json::from_value(serde_json::json!({
            "environments": [
                {"name": "production", "source": "githubDeployments"},
                {"name": "ios", "source": "releaseTags"},
                {"name": "Production", "source": "events"},
                {"name": "bad name", "source": "events", "tagPattern": "x*"},
                {"name": "android", "source": "releaseTags", "tagPattern": "a[*"},
            ]
        }))
        .expect("parses");
        let p = config.problems();
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(p[0].starts_with("deployments.environments[1].tagPattern: is required"));
        assert!(p[1].starts_with("deployments.environments[2].name: 'Production' is named twice"));
        assert!(p[2].starts_with("deployments.environments[3].name:"));
        assert!(p[3].starts_with("deployments.environments[3].tagPattern: only"));
        assert!(p[4].starts_with("deployments.environments[4].tagPattern: 'a[*'"));
        let unknown = serde_json::from_value::<DeploymentsConfig>(
            serde_json::json!({"environments": [{"name": "x", "source": "argo"}]}),
        );
        assert!(unknown.is_err());
    }
}
