//! The home page's widget data, per person: who the person is in each tool (from their User
//! entity: Backstage's annotations, else the configured rule), then the integration's cached
//! answer. Always a `Widget`: a failing tool shows in its card, never as an error page.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use trellis_shared::catalog::query::{Condition, Conjunction, EntityQuery, Filter};
use trellis_shared::catalog::Entity;
use trellis_shared::views::home::{JiraIssues, PullRequests, Widget, WidgetProblem};

use crate::config::LoginRule;
use crate::widget::Person;
use crate::{Identity, ServiceError, ServiceResult, Services};

/// Backstage's annotation naming a User's GitHub login.
pub const GITHUB_USER_LOGIN: &str = "github.com/user-login";

impl Services {
    /// The pull requests card of `me`.
    pub async fn home_pull_requests(&self, me: &Identity) -> Widget<PullRequests> {
        match self.person(me).await {
            Ok(person) => self.pull_requests_of(&person).await,
            Err(_) => unreadable_user(),
        }
    }

    /// The pull requests card of `person`.
    pub async fn pull_requests_of(&self, person: &Person) -> Widget<PullRequests> {
        let login = person.login(GITHUB_USER_LOGIN, self.config.home.github_login);
        self.integrations.pull_requests(login).await
    }
}

impl Services {
    /// What the "needs attention" list draws on, fetched at once.
    pub async fn attention_of(
        &self,
        person: &Person,
    ) -> (Widget<PullRequests>, Widget<JiraIssues>) {
        tokio::join!(self.pull_requests_of(person), self.jira_of(person))
    }

    /// The Jira card of `me` (found in Jira by the e-mail of their User entity).
    pub async fn home_jira(&self, me: &Identity) -> Widget<JiraIssues> {
        match self.person(me).await {
            Ok(person) => self.jira_of(&person).await,
            Err(_) => unreadable_user(),
        }
    }

    /// The Jira card of `person`.
    pub async fn jira_of(&self, person: &Person) -> Widget<JiraIssues> {
        self.integrations.jira_issues(person.email()).await
    }
}

impl Services {
    /// The values of `annotation` on what `me` owns, themselves or through their teams
    /// (`pagerduty.com/service-id` of their teams' services), sorted, without repeats; at most
    /// [`MAX_OWNED`] entities are read. Remembered per person for [`OWNED_TTL`] (every page
    /// load asks, and what a team owns changes with a catalog refresh, not by the second);
    /// concurrent asks share one query.
    pub async fn owned_annotation(
        &self,
        me: &Identity,
        annotation: &str,
    ) -> ServiceResult<Vec<String>> {
        let pairs = self.owned_pairs(me, annotation, None).await?;
        Ok(pairs.iter().map(|(value, _)| value.clone()).collect())
    }

    /// As [`Services::owned_annotation`], each value with the value of `companion` on the same
    /// entity, if any (`pagerduty.com/service-id` with `pagerduty.com/account`).
    pub async fn owned_annotation_with(
        &self,
        me: &Identity,
        annotation: &str,
        companion: &str,
    ) -> ServiceResult<Vec<(String, Option<String>)>> {
        let pairs = self.owned_pairs(me, annotation, Some(companion)).await?;
        Ok((*pairs).clone())
    }

    /// The cached `(annotation, companion)` values of what `me` owns, sorted, without repeats.
    async fn owned_pairs(
        &self,
        me: &Identity,
        annotation: &str,
        companion: Option<&str>,
    ) -> ServiceResult<Arc<OwnedPairs>> {
        let key = format!(
            "{}\u{0}{annotation}\u{0}{}",
            me.user_ref,
            companion.unwrap_or("")
        );
        self.owned
            .try_get_with(key, async {
                let owned = self
                    .entities_where(
                        me,
                        [
                            (
                                "relations.ownedby".to_string(),
                                Condition::AnyOf(me.ownership_refs.clone()),
                            ),
                            (
                                format!("metadata.annotations.{}", annotation.to_lowercase()),
                                Condition::Exists,
                            ),
                        ],
                    )
                    .await?;
                let annotated = |e: &Entity, key: &str| {
                    let value = e.metadata.annotations.get(key)?.trim();
                    (!value.is_empty()).then(|| value.to_string())
                };
                let pairs: BTreeSet<(String, Option<String>)> = owned
                    .iter()
                    .filter_map(|e| {
                        let value = annotated(e, annotation)?;
                        Some((value, companion.and_then(|c| annotated(e, c))))
                    })
                    .collect();
                Ok::<_, ServiceError>(Arc::new(pairs.into_iter().collect()))
            })
            .await
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("{e}")))
    }
}

impl Services {
    /// The entities `me` may read that meet every one of `conditions` (at most [`MAX_OWNED`]).
    pub(crate) async fn entities_where(
        &self,
        me: &Identity,
        conditions: impl IntoIterator<Item = (String, Condition)>,
    ) -> ServiceResult<Vec<Entity>> {
        let conj: BTreeMap<String, Condition> = conditions.into_iter().collect();
        let query = EntityQuery {
            filter: Filter(vec![Conjunction(conj)]),
            ..EntityQuery::default()
        };
        self.catalog(me).all(query, 0, Some(MAX_OWNED)).await
    }
}

/// Most owned entities [`Services::owned_annotation`] reads.
pub const MAX_OWNED: usize = 1000;

/// How long [`Services::owned_annotation`] remembers a person's answer.
pub const OWNED_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// Owned annotation values (each with its companion's, when one was asked for).
type OwnedPairs = Vec<(String, Option<String>)>;

/// Owned annotation values by person, annotation and companion.
pub(crate) type Owned = moka::future::Cache<String, Arc<OwnedPairs>>;

/// A new cache of owned annotation values.
pub(crate) fn owned() -> Owned {
    moka::future::Cache::builder()
        .max_capacity(10_000)
        .time_to_live(OWNED_TTL)
        .build()
}

fn unreadable_user<T>() -> Widget<T> {
    Widget::failed(
        WidgetProblem::Unavailable,
        "cannot read your User entity from the catalog",
    )
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
