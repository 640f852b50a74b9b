//! Every deploy target's answer for one change, and the caches behind them: ancestry answers
//! are kept for good (whether one commit contains another never changes), commit lookups for
//! ten minutes, deployments for 30 s, tags for a minute, deploy event histories until the next
//! event for that target. Concurrent asks for the same key share one upstream call.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use trellis_deploys::store::{self, MAX_HISTORY};
use trellis_deploys::trace::{self, Trace};
use trellis_deploys::{Environment, SourceKind};
use trellis_integrations::github::rest::{Commit, Deployment, Tag};
use trellis_integrations::github::GitHubRepos;
use trellis_integrations::UpstreamError;
use trellis_shared::views::commits::{DeployRef, TargetStatus};

use trellis_integrations::{CachePolicy, Metrics, SwrCache};
use trellis_shared::views::commits::MergedWhere;

type Shared<T> = Result<T, Arc<UpstreamError>>;

/// The caches of "find any commit" (one per replica), with what answering needs (the deploy
/// targets, the database), so a background refresh owns all it uses.
#[derive(Clone)]
pub(crate) struct Caches {
    envs: Arc<Vec<Environment>>,
    db: trellis_store::Db,
    /// My recently merged pull requests and where they are, per person (stale while it
    /// refreshes, and no page waits longer than `home.waitForMs` for it).
    pub(crate) merged: Arc<SwrCache<Vec<MergedWhere>>>,
    contains: Cache<String, bool>,
    commits: Cache<String, Option<Commit>>,
    deployments: Cache<String, Arc<Vec<Deployment>>>,
    tags: Cache<String, Arc<Vec<Tag>>>,
    events: Cache<String, Arc<Vec<DeployRef>>>,
    /// The components of a repository a person can see, for a minute.
    pub(crate) components: Cache<String, Arc<Vec<String>>>,
    /// Finds per person in the current minute.
    finds: Cache<String, Arc<std::sync::atomic::AtomicU32>>,
}

/// Finds one person may ask for per minute: each may cost GitHub up to ~60 calls on a cold
/// cache, and the portal's GitHub budget is shared by everyone.
pub const FINDS_PER_MINUTE: u32 = 30;

impl Caches {
    /// Caches for `envs`, reading deploy events from `db`; the per-person list follows
    /// `policy` and reports in `metrics`.
    pub(crate) fn new(
        envs: Vec<Environment>,
        db: trellis_store::Db,
        policy: CachePolicy,
        metrics: Metrics,
    ) -> Self {
        Caches {
            envs: Arc::new(envs),
            db,
            merged: Arc::new(SwrCache::new("GitHub deployments", policy, metrics)),
            contains: Cache::builder().max_capacity(200_000).build(),
            commits: ttl(600, 20_000),
            deployments: ttl(30, 5_000),
            tags: ttl(60, 2_000),
            events: ttl(3_600, 20_000),
            finds: ttl(60, 20_000),
            components: ttl(60, 50_000),
        }
    }
}

fn ttl<V: Clone + Send + Sync + 'static>(secs: u64, cap: u64) -> Cache<String, V> {
    Cache::builder()
        .max_capacity(cap)
        .time_to_live(Duration::from_secs(secs))
        .build()
}

fn owned(e: Arc<UpstreamError>) -> UpstreamError {
    (*e).clone()
}

impl Caches {
    /// Commit `sha` of `repo` (`None`: GitHub knows no such commit there).
    pub(crate) async fn commit(
        &self,
        gh: &Arc<dyn GitHubRepos>,
        repo: &str,
        sha: &str,
    ) -> Result<Option<Commit>, UpstreamError> {
        let key = format!("{}\0{sha}", repo.to_ascii_lowercase());
        let r: Shared<_> = self.commits.try_get_with(key, gh.commit(repo, sha)).await;
        r.map_err(owned)
    }

    async fn contains(
        &self,
        gh: &Arc<dyn GitHubRepos>,
        repo: &str,
        head: &str,
        base: &str,
    ) -> Result<bool, UpstreamError> {
        let key = format!("{}\0{head}\0{base}", repo.to_ascii_lowercase());
        let r: Shared<_> = self
            .contains
            .try_get_with(key, async {
                gh.contains(repo, head, base)
                    .await
                    .map(|c| c.unwrap_or(false))
            })
            .await;
        r.map_err(owned)
    }

    /// Counts one find by `who`; false when their budget for this minute is spent.
    pub(crate) async fn allow_find(&self, who: &str) -> bool {
        let count = self
            .finds
            .get_with(who.to_string(), async { Arc::default() })
            .await;
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < FINDS_PER_MINUTE
    }

    /// Forgets the cached history of one events target (a new event arrived).
    pub(crate) async fn forget_events(&self, environment: &str, component: &str) {
        self.events
            .invalidate(&format!("{environment}\0{component}"))
            .await;
    }

    /// The answer of every configured target for the change `sha` of `repo`.
    pub(crate) async fn targets(
        &self,
        gh: &Arc<dyn GitHubRepos>,
        repo: &str,
        sha: &str,
        components: &[String],
    ) -> Vec<TargetStatus> {
        let all = self
            .envs
            .iter()
            .map(|env| self.target(gh, env, repo, sha, components));
        futures_util::future::join_all(all)
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    async fn target(
        &self,
        gh: &Arc<dyn GitHubRepos>,
        env: &Environment,
        repo: &str,
        sha: &str,
        components: &[String],
    ) -> Vec<TargetStatus> {
        let contains = |head: String| async move { self.contains(gh, repo, &head, sha).await };
        let row = |component: Option<String>, kind: &str, t: Result<Trace, UpstreamError>| {
            let (t, problem) = match t {
                Ok(t) => (t, None),
                Err(e) => (Trace::unknown(), Some(e.to_string())),
            };
            TargetStatus {
                environment: env.name.clone(),
                kind: kind.into(),
                component,
                state: t.state,
                carried_by: t.carried_by,
                at_least: t.at_least,
                rolled_back_by: t.rolled_back_by,
                current: t.current,
                problem,
            }
        };
        match env.source {
            SourceKind::GithubDeployments => {
                let t = match self.deployments(gh, repo, env.on_github()).await {
                    Ok(list) => trace::deploys(&history(&list), contains).await,
                    Err(e) => Err(e),
                };
                vec![row(None, "service", t)]
            }
            SourceKind::ReleaseTags => {
                let t = match self.releases(gh, repo, env).await {
                    Ok(list) => trace::first_release(&list, contains).await,
                    Err(e) => Err(e),
                };
                let mut r = row(None, "mobile", t);
                if let Some(c) = r.carried_by.as_mut() {
                    if let Ok(Some(commit)) = self.commit(gh, repo, &c.sha).await {
                        c.at = commit.date;
                    }
                }
                vec![r]
            }
            SourceKind::Events => {
                let mut out = Vec::new();
                for component in components {
                    let history = match self.events(&env.name, component).await {
                        Ok(h) if h.is_empty() => continue,
                        Ok(h) => h,
                        Err(e) => {
                            let problem = Err(UpstreamError::Local(format!(
                                "cannot read deploy events: {e}"
                            )));
                            out.push(row(Some(component.clone()), "service", problem));
                            continue;
                        }
                    };
                    let t = trace::deploys(&history, contains).await;
                    out.push(row(Some(component.clone()), "service", t));
                }
                if out.is_empty() {
                    out.push(row(None, "service", Ok(Trace::unknown())));
                }
                out
            }
        }
    }

    async fn deployments(
        &self,
        gh: &Arc<dyn GitHubRepos>,
        repo: &str,
        environment: &str,
    ) -> Result<Arc<Vec<Deployment>>, UpstreamError> {
        let key = format!("{}\0{environment}", repo.to_ascii_lowercase());
        let r: Shared<_> = self
            .deployments
            .try_get_with(key, async {
                gh.deployments(repo, environment).await.map(Arc::new)
            })
            .await;
        r.map_err(owned)
    }

    /// The releases of `env` (tags matching its pattern), oldest first by version.
    async fn releases(
        &self,
        gh: &Arc<dyn GitHubRepos>,
        repo: &str,
        env: &Environment,
    ) -> Result<Vec<DeployRef>, UpstreamError> {
        let key = repo.to_ascii_lowercase();
        let r: Shared<_> = self
            .tags
            .try_get_with(key, async { gh.tags(repo).await.map(Arc::new) })
            .await;
        let tags = r.map_err(owned)?;
        let Some(pattern) = env.pattern() else {
            return Ok(Vec::new());
        };
        let mut out: Vec<DeployRef> = tags
            .iter()
            .filter(|t| pattern.matches(&t.name))
            .map(|t| DeployRef {
                label: t.name.clone(),
                sha: t.sha.clone(),
                at: String::new(),
            })
            .collect();
        out.sort_by(|a, b| trace::version_order(&a.label, &b.label));
        Ok(out)
    }

    async fn events(
        &self,
        environment: &str,
        component: &str,
    ) -> Result<Arc<Vec<DeployRef>>, Arc<trellis_store::StoreError>> {
        let key = format!("{environment}\0{component}");
        self.events
            .try_get_with(key, async {
                let rows = store::history(&self.db, environment, component, MAX_HISTORY).await?;
                Ok(Arc::new(
                    rows.into_iter()
                        .map(|r| DeployRef {
                            label: format!("deploy event {}", r.event_id),
                            sha: r.sha,
                            at: r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        })
                        .collect(),
                ))
            })
            .await
    }
}

/// The deployments that went live, newest first, from the live one on.
fn history(list: &[Deployment]) -> Vec<DeployRef> {
    let from = list.iter().position(|d| d.live).unwrap_or(0);
    list[from..]
        .iter()
        .map(|d| DeployRef {
            label: format!("deployment {}", d.id),
            sha: d.sha.clone(),
            at: d.created_at.clone(),
        })
        .collect()
}
