//! The REST calls behind [`super`]'s types: the wire shapes GitHub answers in, and the
//! requests (only checked input reaches a URL).

use serde::Deserialize;

use super::{is_repo, is_sha, Commit, Deployment, Pull, Tag, MAX_DEPLOYMENTS, MAX_TAGS};
use crate::github::GitHubClient;
use crate::UpstreamError;

#[derive(Deserialize)]
struct CommitWire {
    sha: String,
    html_url: String,
    commit: CommitBody,
}
#[derive(Deserialize)]
struct CommitBody {
    message: String,
    committer: Option<Person>,
}
#[derive(Deserialize)]
struct Person {
    date: Option<String>,
}
#[derive(Deserialize)]
struct PullWire {
    title: String,
    html_url: String,
    state: String,
    #[serde(default)]
    merged: bool,
    merge_commit_sha: Option<String>,
    merged_at: Option<String>,
}
#[derive(Deserialize)]
struct CompareWire {
    status: String,
}
#[derive(Deserialize)]
struct DeploymentWire {
    id: u64,
    sha: String,
    created_at: String,
}
#[derive(Deserialize)]
struct StatusWire {
    state: String,
}
#[derive(Deserialize)]
struct TagWire {
    name: String,
    commit: TagCommit,
}
#[derive(Deserialize)]
struct TagCommit {
    sha: String,
}

impl GitHubClient {
    async fn get(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Option<crate::Answer>, UpstreamError> {
        match self.get_once(operation, path, query).await {
            Err(e) if self.renew_after(&e).await => self.get_once(operation, path, query).await,
            other => other,
        }
    }

    async fn get_once(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Option<crate::Answer>, UpstreamError> {
        // Every path is `/repos/{owner}/...` of a checked repository.
        let owner = path
            .strip_prefix("/repos/")
            .and_then(|p| p.split('/').next())
            .unwrap_or_default();
        // No credential reaches that owner (no installation there): GitHub would not know it.
        let Some(token) = self.token_for(owner).await? else {
            return Ok(None);
        };
        let url = format!("{}{path}", self.rest_url);
        let answer = self
            .upstream
            .call(operation, true, |http| {
                http.get(&url)
                    .bearer_auth(&token)
                    .header("accept", "application/vnd.github+json")
                    .header("x-github-api-version", "2022-11-28")
                    .query(query)
            })
            .await;
        match answer {
            Ok(a) => Ok(Some(a)),
            Err(UpstreamError::Status {
                status: 404 | 422, ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn bad_input(&self, what: &str) -> UpstreamError {
        UpstreamError::Local(format!("not a valid GitHub {what}"))
    }

    pub(in crate::github) async fn commit(
        &self,
        repo: &str,
        reference: &str,
    ) -> Result<Option<Commit>, UpstreamError> {
        if !is_repo(repo) || !is_sha(reference) {
            return Err(self.bad_input("repository or commit"));
        }
        let Some(a) = self
            .get("commit", &format!("/repos/{repo}/commits/{reference}"), &[])
            .await?
        else {
            return Ok(None);
        };
        let c: CommitWire = self.upstream.json(&a)?;
        Ok(Some(Commit {
            title: c
                .commit
                .message
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            date: c.commit.committer.and_then(|p| p.date).unwrap_or_default(),
            sha: c.sha,
            url: c.html_url,
        }))
    }

    pub(in crate::github) async fn pull(
        &self,
        repo: &str,
        number: u32,
    ) -> Result<Option<Pull>, UpstreamError> {
        if !is_repo(repo) {
            return Err(self.bad_input("repository"));
        }
        let Some(a) = self
            .get("pull", &format!("/repos/{repo}/pulls/{number}"), &[])
            .await?
        else {
            return Ok(None);
        };
        let p: PullWire = self.upstream.json(&a)?;
        Ok(Some(Pull {
            title: p.title,
            url: p.html_url,
            state: p.state,
            merge_commit: p.merge_commit_sha.filter(|s| p.merged && is_sha(s)),
            merged_at: p.merged_at,
        }))
    }

    /// Whether `base` is contained in `head` (`None`: GitHub knows neither).
    pub(in crate::github) async fn contains(
        &self,
        repo: &str,
        head: &str,
        base: &str,
    ) -> Result<Option<bool>, UpstreamError> {
        if !is_repo(repo) || !is_sha(base) || !is_sha(head) {
            return Err(self.bad_input("repository or commit"));
        }
        let path = format!("/repos/{repo}/compare/{base}...{head}");
        let Some(a) = self.get("compare", &path, &[("per_page", "1")]).await? else {
            return Ok(None);
        };
        let c: CompareWire = self.upstream.json(&a)?;
        Ok(Some(c.status == "ahead" || c.status == "identical"))
    }

    pub(in crate::github) async fn deployments(
        &self,
        repo: &str,
        environment: &str,
    ) -> Result<Vec<Deployment>, UpstreamError> {
        if !is_repo(repo) || environment.is_empty() || environment.len() > 255 {
            return Err(self.bad_input("repository or environment"));
        }
        let per_page = MAX_DEPLOYMENTS.to_string();
        let path = format!("/repos/{repo}/deployments");
        let query = [
            ("environment", environment),
            ("per_page", per_page.as_str()),
        ];
        let Some(a) = self.get("deployments", &path, &query).await? else {
            return Ok(Vec::new());
        };
        let list: Vec<DeploymentWire> = self.upstream.json(&a)?;
        let statuses = list.iter().take(MAX_DEPLOYMENTS).map(|d| async move {
            let path = format!("/repos/{repo}/deployments/{}/statuses", d.id);
            let a = self
                .get("deployment_status", &path, &[("per_page", "1")])
                .await?;
            let newest = match a {
                Some(a) => self
                    .upstream
                    .json::<Vec<StatusWire>>(&a)?
                    .into_iter()
                    .next()
                    .map(|s| s.state),
                None => None,
            };
            Ok::<_, UpstreamError>(newest)
        });
        let states = futures_util::future::try_join_all(statuses).await?;
        Ok(list
            .into_iter()
            .zip(states)
            .filter_map(|(d, state)| {
                let live = match state.as_deref() {
                    Some("success") => true,
                    Some("inactive") => false,
                    _ => return None,
                };
                is_sha(&d.sha).then_some(Deployment {
                    id: d.id,
                    sha: d.sha,
                    created_at: d.created_at,
                    live,
                })
            })
            .collect())
    }

    pub(in crate::github) async fn tags(&self, repo: &str) -> Result<Vec<Tag>, UpstreamError> {
        if !is_repo(repo) {
            return Err(self.bad_input("repository"));
        }
        let path = format!("/repos/{repo}/tags");
        let mut out = Vec::new();
        for page in 1..=MAX_TAGS.div_ceil(100) {
            let page = page.to_string();
            let query = [("per_page", "100"), ("page", page.as_str())];
            let Some(a) = self.get("tags", &path, &query).await? else {
                break;
            };
            let list: Vec<TagWire> = self.upstream.json(&a)?;
            out.extend(
                list.into_iter()
                    .filter(|t| is_sha(&t.commit.sha) && t.name.len() <= 255)
                    .map(|t| Tag {
                        name: t.name,
                        sha: t.commit.sha,
                    }),
            );
            let next = a
                .headers
                .get_all("link")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.contains("rel=\"next\""));
            if !next || out.len() >= MAX_TAGS {
                break;
            }
        }
        out.truncate(MAX_TAGS);
        Ok(out)
    }
}
