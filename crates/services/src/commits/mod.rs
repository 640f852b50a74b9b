//! Find any commit, the service half: what was asked (a commit, a pull request) and in which
//! repository, the catalog's components built from it (annotation `github.com/project-slug`,
//! within the caller's read scope), then every configured deploy target's answer
//! ([`targets`]). Also the deploy events CI posts (`POST /api/deployments/events`),
//! authenticated by a static token (`backend.auth.externalAccess`) and audited.

mod targets;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Utc;
use futures_util::StreamExt;
use trellis_auth::audit::{NewEvent, Outcome};
use trellis_auth::external::ExternalCaller;
use trellis_deploys::query::{self, Asked};
use trellis_integrations::github::rest::Commit;
use trellis_integrations::github::GitHubRepos;
use trellis_integrations::UpstreamError;
use trellis_shared::catalog::query::Condition;
use trellis_shared::views::commits::{CommitRef, CommitReport, MergedWhere, PullRef};
use trellis_shared::views::home::{MergedPull, PullRequests, Widget};

use crate::{Identity, ServiceError, ServiceResult, Services};

pub(crate) use targets::Caches;

/// Backstage's annotation naming a component's GitHub repository.
pub const PROJECT_SLUG: &str = "github.com/project-slug";

/// Most repositories a bare SHA is looked for in (the caller's teams' first).
pub const MAX_PROBED: usize = 20;

/// Most components of one repository reported on.
pub const MAX_COMPONENTS: usize = 50;

/// The plugin id machine callers need access to (`accessRestrictions: [{plugin: ...}]`).
pub const PLUGIN_ID: &str = "deployments";

fn unavailable(e: UpstreamError) -> ServiceError {
    ServiceError::Unavailable(e.to_string())
}

fn view(c: Commit) -> CommitRef {
    CommitRef {
        sha: c.sha,
        title: c.title,
        url: c.url,
        date: c.date,
    }
}

impl Services {
    fn github_repos(&self) -> ServiceResult<Arc<dyn GitHubRepos>> {
        self.integrations.github_repos().ok_or_else(|| {
            ServiceError::Unavailable(
                "GitHub is not configured on this portal (integrations.github)".into(),
            )
        })
    }

    /// Where the change `text` names is live (see the module doc), as `me` may see it.
    pub async fn find_commit(&self, me: &Identity, text: &str) -> ServiceResult<CommitReport> {
        let asked = query::parse(text).map_err(ServiceError::Input)?;
        let gh = self.github_repos()?;
        if !self.commits.allow_find(&me.user_ref).await {
            return Err(ServiceError::TooManyRequests(format!(
                "at most {} finds a minute per person; try again in a minute",
                targets::FINDS_PER_MINUTE
            )));
        }
        let (repo, commit, pull) = match asked {
            Asked::Pull { repo, number } => {
                let p = gh
                    .pull(&repo, number)
                    .await
                    .map_err(unavailable)?
                    .ok_or_else(|| {
                        ServiceError::NotFound(format!("{repo} has no pull request #{number}"))
                    })?;
                let commit = match &p.merge_commit {
                    Some(sha) => self
                        .commits
                        .commit(&gh, &repo, sha)
                        .await
                        .map_err(unavailable)?,
                    None => None,
                };
                let pull = PullRef {
                    number,
                    title: p.title,
                    url: p.url,
                    merged_at: p.merged_at.filter(|_| p.merge_commit.is_some()),
                };
                (repo, commit, Some(pull))
            }
            Asked::Commit {
                repo: Some(repo),
                sha,
            } => {
                let c = self
                    .commits
                    .commit(&gh, &repo, &sha)
                    .await
                    .map_err(unavailable)?;
                let c =
                    c.ok_or_else(|| ServiceError::NotFound(format!("{repo} has no commit {sha}")))?;
                (repo, Some(c), None)
            }
            Asked::Commit { repo: None, sha } => {
                let (repo, c) = self.probe(&gh, me, &sha).await?;
                (repo, Some(c), None)
            }
        };
        let components = self.components_of(me, &repo).await?;
        let targets = match &commit {
            Some(c) => self.commits.targets(&gh, &repo, &c.sha, &components).await,
            None => Vec::new(),
        };
        Ok(CommitReport {
            repository: repo,
            commit: commit.map(view),
            pull,
            components,
            targets,
        })
    }

    /// `person`'s recently merged pull requests (from the pull requests widget's cached
    /// GitHub answer) and where each is live, from a stale-while-revalidate cache: a page waits
    /// at most `home.waitForMs` for it, then the card says it is loading and loads again.
    pub async fn merged_and_where(
        &self,
        person: &crate::widget::Person,
    ) -> (Widget<PullRequests>, Widget<Vec<MergedWhere>>) {
        let pulls = self.pull_requests_of(person).await;
        let merged: Vec<MergedPull> = pulls
            .data
            .as_ref()
            .map(|d| d.merged.clone())
            .unwrap_or_default();
        let Ok(gh) = self.github_repos() else {
            return (pulls, Widget::ok(Vec::new(), 0, false));
        };
        // The catalog part here (the caller's read scope); the GitHub part may outlive the page.
        let mut work = Vec::new();
        for pull in merged {
            let sha = pull
                .merge_commit
                .clone()
                .filter(|s| trellis_shared::github::is_sha(s));
            let repo = pull.repository.clone();
            let sha = sha.filter(|_| trellis_shared::github::is_repo(&repo));
            let components = match &sha {
                Some(_) => self
                    .components_of(&person.identity, &repo)
                    .await
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            work.push((pull, sha, components));
        }
        // A new merge is a new key: the list is never older than the pull requests card.
        let key: String = std::iter::once(person.identity.user_ref.as_str())
            .chain(work.iter().filter_map(|(_, sha, _)| sha.as_deref()))
            .collect::<Vec<_>>()
            .join("\0");
        let caches = self.commits.clone();
        let slowdown = gh.upstream().limits().slowdown();
        let where_ = self
            .commits
            .merged
            .get(&key, slowdown, move || async move {
                let each = work.into_iter().map(|(pull, sha, components)| {
                    let (caches, gh) = (caches.clone(), gh.clone());
                    async move {
                        let targets = match sha {
                            Some(sha) => {
                                let repo = pull.repository.clone();
                                caches.targets(&gh, &repo, &sha, &components).await
                            }
                            None => Vec::new(),
                        };
                        MergedWhere { pull, targets }
                    }
                });
                Ok(futures_util::future::join_all(each).await)
            })
            .await;
        (pulls, where_)
    }

    /// Looks for a bare SHA in the repositories of the catalog's components, the caller's
    /// teams' first, at most [`MAX_PROBED`].
    async fn probe(
        &self,
        gh: &Arc<dyn GitHubRepos>,
        me: &Identity,
        sha: &str,
    ) -> ServiceResult<(String, Commit)> {
        let mut repos = self.owned_annotation(me, PROJECT_SLUG).await?;
        let others: Vec<String> = self
            .slugs(me)
            .await?
            .into_iter()
            .filter(|r| !repos.contains(r))
            .collect();
        repos.extend(others);
        let total = repos.len();
        repos.truncate(MAX_PROBED);
        let mut found = futures_util::stream::iter(repos.iter().cloned())
            .map(|repo| async move {
                let c = self.commits.commit(gh, &repo, sha).await;
                (repo, c)
            })
            .buffered(4);
        let mut last_error = None;
        while let Some((repo, c)) = found.next().await {
            match c {
                Ok(Some(c)) => return Ok((repo, c)),
                Ok(None) => {}
                Err(e) => last_error = Some(e),
            }
        }
        if let Some(e) = last_error {
            return Err(unavailable(e));
        }
        let looked = if total > MAX_PROBED {
            format!(
                "the first {MAX_PROBED} of {total} repositories of the catalog (your teams' first)"
            )
        } else {
            format!("the {total} repositories of the catalog's components")
        };
        Err(ServiceError::NotFound(format!(
            "no commit {sha} in {looked}; write owner/repo@{sha}"
        )))
    }

    /// Components `me` can see whose `github.com/project-slug` is `slug` (any, when none).
    async fn components(
        &self,
        me: &Identity,
        slug: Option<&str>,
    ) -> ServiceResult<Vec<trellis_shared::catalog::Entity>> {
        let value = match slug {
            Some(r) => Condition::AnyOf(vec![r.to_ascii_lowercase()]),
            None => Condition::Exists,
        };
        let kind = Condition::AnyOf(vec!["component".into()]);
        let annotation = format!("metadata.annotations.{PROJECT_SLUG}");
        self.entities_where(me, [("kind".to_string(), kind), (annotation, value)])
            .await
    }

    /// The distinct repositories of the components `me` can see.
    async fn slugs(&self, me: &Identity) -> ServiceResult<BTreeSet<String>> {
        Ok(self
            .components(me, None)
            .await?
            .iter()
            .filter_map(|e| e.metadata.annotations.get(PROJECT_SLUG))
            .map(|s| s.trim().to_string())
            .collect())
    }

    /// Remembered per person and repository for a minute, like [`Services::owned_annotation`]:
    /// every page load asks it for each of my merged pull requests.
    async fn components_of(&self, me: &Identity, repo: &str) -> ServiceResult<Vec<String>> {
        let key = format!("{}\0{}", me.user_ref, repo.to_ascii_lowercase());
        let names = self
            .commits
            .components
            .try_get_with(key, async {
                let found = self.components(me, Some(repo)).await?;
                let names: BTreeSet<String> = found.into_iter().map(|e| e.metadata.name).collect();
                let names: Vec<String> = names.into_iter().take(MAX_COMPONENTS).collect();
                Ok::<_, ServiceError>(Arc::new(names))
            })
            .await
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("{e}")))?;
        Ok((*names).clone())
    }

    /// Records a deploy event `body` (CDEvents) from `caller`; whether it is new (false: this
    /// event id was recorded before). The environment must be configured with source `events`.
    pub async fn record_deploy_event(
        &self,
        caller: &ExternalCaller,
        body: &serde_json::Value,
        request_id: Option<&str>,
    ) -> ServiceResult<bool> {
        let checked = trellis_deploys::events::parse(body).and_then(|e| {
            let known = self.config.deployments.environments.iter().any(|env| {
                env.name == e.environment && env.source == trellis_deploys::SourceKind::Events
            });
            if known {
                Ok(e)
            } else {
                Err(trellis_deploys::events::EventError {
                    field: "subject.content.environment.id",
                    message: format!(
                        "'{}' is not an environment with source `events` in deployments.environments",
                        e.environment
                    ),
                })
            }
        });
        let (resource, stored) = match checked {
            Ok(event) => {
                let resource = format!("{}/{}", event.environment, event.component);
                let stored =
                    trellis_deploys::store::record(&self.db, &event, &caller.subject, Utc::now())
                        .await
                        .map_err(ServiceError::from);
                if stored.is_ok() {
                    self.commits
                        .forget_events(&event.environment, &event.component)
                        .await;
                }
                (resource, stored)
            }
            Err(e) => (
                "deploy-event".to_string(),
                Err(ServiceError::Input(e.to_string())),
            ),
        };
        let detail = stored.as_ref().err().map(ServiceError::public_message);
        let actor = format!("external:{}", caller.subject);
        self.audit_event(&NewEvent {
            actor: &actor,
            action: "deploy-event.create",
            resource: &resource,
            outcome: if stored.is_ok() {
                Outcome::Allowed
            } else {
                Outcome::Failed
            },
            request_id,
            detail: detail.as_deref(),
        })
        .await;
        stored
    }
}
