//! The home page's widget data, per person: who the person is in each tool (from their User
//! entity: Backstage's annotations, else the configured rule), then the integration's cached
//! answer. Always a `Widget`: a failing tool shows in its card, never as an error page.

use trellis_catalog::store;
use trellis_shared::catalog::Entity;
use trellis_shared::views::home::{JiraIssues, PullRequests, Widget, WidgetProblem};

use crate::config::LoginRule;
use crate::{Identity, Services};

/// The home page's plugin: its config section and API (its widgets' clients and caches are the
/// service layer's [`trellis_integrations::Integrations`]).
pub fn plugin() -> crate::Plugin {
    crate::Plugin {
        name: "home",
        config_key: "home",
        migrations: &[],
        jobs: crate::plugin::no_jobs,
        services: crate::plugin::no_services,
        pages: &[],
        metrics: crate::plugin::no_metrics,
    }
}

/// Backstage's annotation naming a User's GitHub login.
pub const GITHUB_USER_LOGIN: &str = "github.com/user-login";

impl Services {
    /// The pull requests card of `me`.
    pub async fn home_pull_requests(&self, me: &Identity) -> Widget<PullRequests> {
        let user = match store::get_entity(&self.db, &me.user_ref).await {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(error = %e, "reading the viewer's User entity");
                return Widget::failed(
                    WidgetProblem::Unavailable,
                    "cannot read your User entity from the catalog",
                );
            }
        };
        let login = user
            .as_ref()
            .and_then(|u| login(u, GITHUB_USER_LOGIN, self.config.home.github_login));
        self.integrations.pull_requests(login).await
    }
}

impl Services {
    /// What the "needs attention" list draws on, fetched at once.
    pub async fn home_attention(
        &self,
        me: &Identity,
    ) -> (Widget<PullRequests>, Widget<JiraIssues>) {
        tokio::join!(self.home_pull_requests(me), self.home_jira(me))
    }

    /// The Jira card of `me` (found in Jira by the e-mail of their User entity).
    pub async fn home_jira(&self, me: &Identity) -> Widget<JiraIssues> {
        let user = match store::get_entity(&self.db, &me.user_ref).await {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(error = %e, "reading the viewer's User entity");
                return Widget::failed(
                    WidgetProblem::Unavailable,
                    "cannot read your User entity from the catalog",
                );
            }
        };
        let email = user.as_ref().and_then(|u| {
            u.spec
                .as_ref()?
                .get("profile")?
                .get("email")?
                .as_str()
                .map(str::to_string)
        });
        self.integrations.jira_issues(email).await
    }
}

/// `user`'s login in a tool: its `annotation`, else what `rule` derives.
pub fn login(user: &Entity, annotation: &str, rule: LoginRule) -> Option<String> {
    let annotated = user
        .metadata
        .annotations
        .get(annotation)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    annotated.or_else(|| match rule {
        LoginRule::Name => Some(user.metadata.name.clone()),
        LoginRule::EmailLocalPart => user
            .spec
            .as_ref()
            .and_then(|s| s.get("profile"))
            .and_then(|p| p.get("email"))
            .and_then(|e| e.as_str())
            .and_then(|e| e.split_once('@'))
            .map(|(local, _)| local.to_string())
            .filter(|l| !l.is_empty()),
        LoginRule::None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(annotations: serde_json::Value, email: &str) -> Entity {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "User",
            "metadata": {"name": "ann.ranker", "annotations": annotations},
            "spec": {"profile": {"email": email}, "memberOf": []}
        }))
        .expect("entity")
    }

    #[test]
    fn the_annotation_wins_then_the_rule_decides() {
        let annotated = user(
            serde_json::json!({GITHUB_USER_LOGIN: " ann-gh "}),
            "ann@acme.example",
        );
        for rule in [LoginRule::Name, LoginRule::EmailLocalPart, LoginRule::None] {
            assert_eq!(
                login(&annotated, GITHUB_USER_LOGIN, rule).as_deref(),
                Some("ann-gh")
            );
        }
        let plain = user(serde_json::json!({}), "a.r@acme.example");
        assert_eq!(
            login(&plain, GITHUB_USER_LOGIN, LoginRule::Name).as_deref(),
            Some("ann.ranker")
        );
        assert_eq!(
            login(&plain, GITHUB_USER_LOGIN, LoginRule::EmailLocalPart).as_deref(),
            Some("a.r")
        );
        assert_eq!(login(&plain, GITHUB_USER_LOGIN, LoginRule::None), None);
        let empty = user(serde_json::json!({GITHUB_USER_LOGIN: ""}), "no-at-sign");
        assert_eq!(
            login(&empty, GITHUB_USER_LOGIN, LoginRule::EmailLocalPart),
            None
        );
    }
}
