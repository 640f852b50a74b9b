//! The GitHub REST client ("find any commit") through real HTTP against the fake GitHub REST
//! API, which answers from a real git repository: short SHAs resolve, ancestry comes from git
//! (compare), deployments carry their newest status (live or replaced), tags are paged by
//! `Link`, and bad credentials, rate limits and odd input are refused as they should be.

use std::sync::Arc;

use trellis_fakes::git::GitRepo;
use trellis_fakes::github_rest::{FakeGitHubRest, RestPull};
use trellis_integrations::github::{GitHubIntegration, GitHubRepos};
use trellis_integrations::{CachePolicy, Integrations, IntegrationsConfig, UpstreamError};

const REPO: &str = "acme/home-feed";

struct Setup {
    fake: Arc<FakeGitHubRest>,
    gh: Arc<dyn GitHubRepos>,
    shas: Vec<String>,
    _server: tokio::task::JoinHandle<()>,
}

/// A repository with `initial`, then merges m0..m3 on main, and `tags` release tags on m3.
async fn setup(token: &str, tags: usize) -> Setup {
    let fake = FakeGitHubRest::new("good-token");
    let git = GitRepo::create(REPO, 1_780_000_000).expect("git");
    let mut shas = vec![git.commit("initial").expect("commit")];
    for i in 0..4 {
        shas.push(git.merge_pull(i, &format!("change {i}")).expect("merge"));
    }
    for t in 0..tags {
        git.tag(&format!("v1.{t}.0"), &shas[4]).expect("tag");
    }
    fake.add_repo(REPO, git);
    fake.add_pull(
        REPO,
        RestPull {
            number: 7,
            title: "Change 2".into(),
            author: "ann".into(),
            merge_commit: Some(shas[3].clone()),
            merged_at: Some("2026-12-01T10:00:00Z".into()),
        },
    );
    fake.add_pull(
        REPO,
        RestPull {
            number: 8,
            title: "Open".into(),
            author: "ann".into(),
            merge_commit: None,
            merged_at: None,
        },
    );
    fake.deploy(
        REPO,
        "production",
        &shas[1],
        "inactive",
        "2026-12-01T08:00:00Z",
    );
    fake.deploy(
        REPO,
        "production",
        &shas[3],
        "success",
        "2026-12-01T12:00:00Z",
    );
    fake.deploy(
        REPO,
        "production",
        &shas[4],
        "failure",
        "2026-12-01T13:00:00Z",
    );
    let (addr, server) = trellis_fakes::serve(fake.router()).await.expect("fake");
    let config = IntegrationsConfig {
        github: vec![GitHubIntegration {
            host: "github.example".into(),
            token: Some(token.into()),
            api_base_url: Some(format!("http://{addr}")),
            apps: Vec::new(),
        }],
        ..IntegrationsConfig::default()
    };
    let integrations = Integrations::new(&config, CachePolicy::default()).expect("integrations");
    let gh = integrations.github_repos().expect("configured");
    Setup {
        fake,
        gh,
        shas,
        _server: server,
    }
}

#[tokio::test]
async fn commits_pulls_and_ancestry_come_from_the_repository() {
    let s = setup("good-token", 0).await;
    let short = &s.shas[2][..8];
    let c =
        s.gh.commit(REPO, short)
            .await
            .expect("answer")
            .expect("found");
    assert_eq!(c.sha, s.shas[2], "a short SHA resolves to the full one");
    assert_eq!(c.title, "Merge pull request #1: change 1");
    assert!(
        s.gh.commit(REPO, "deadbee")
            .await
            .expect("answer")
            .is_none(),
        "422: no such commit"
    );
    assert!(
        s.gh.commit("acme/nope", short)
            .await
            .expect("answer")
            .is_none(),
        "404: no such repository"
    );

    let p = s.gh.pull(REPO, 7).await.expect("answer").expect("found");
    assert_eq!(p.merge_commit.as_deref(), Some(s.shas[3].as_str()));
    let open = s.gh.pull(REPO, 8).await.expect("answer").expect("found");
    assert_eq!((open.merge_commit, open.state.as_str()), (None, "open"));

    let contains = |head: usize, base: usize| {
        let (gh, shas) = (s.gh.clone(), s.shas.clone());
        async move {
            gh.contains(REPO, &shas[head], &shas[base])
                .await
                .expect("answer")
        }
    };
    assert_eq!(contains(3, 2).await, Some(true), "ahead");
    assert_eq!(contains(3, 3).await, Some(true), "identical");
    assert_eq!(contains(2, 3).await, Some(false), "behind");
}

#[tokio::test]
async fn deployments_carry_their_newest_status() {
    let s = setup("good-token", 0).await;
    let list = s.gh.deployments(REPO, "production").await.expect("answer");
    let seen: Vec<(&str, bool)> = list.iter().map(|d| (d.sha.as_str(), d.live)).collect();
    assert_eq!(
        seen,
        vec![(s.shas[3].as_str(), true), (s.shas[1].as_str(), false)],
        "the failed deployment never went live; newest first"
    );
    assert!(s
        .gh
        .deployments(REPO, "staging")
        .await
        .expect("answer")
        .is_empty());
}

#[tokio::test]
async fn tags_are_read_page_by_page() {
    let s = setup("good-token", 150).await;
    let tags = s.gh.tags(REPO).await.expect("answer");
    assert_eq!(tags.len(), 150, "two pages of 100 and 50");
    assert!(tags.iter().all(|t| t.sha == s.shas[4]));
}

#[tokio::test]
async fn credentials_rate_limits_and_odd_input_are_refused() {
    let s = setup("wrong-token", 0).await;
    let e = s.gh.commit(REPO, &s.shas[1]).await.expect_err("401");
    assert!(
        matches!(e, UpstreamError::Status { status: 401, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("Bad credentials"), "{e}");

    let s = setup("good-token", 0).await;
    s.fake.faults.set_rate_limited(true);
    let e = s.gh.commit(REPO, &s.shas[1]).await.expect_err("403");
    assert!(matches!(e, UpstreamError::RateLimited { .. }), "{e:?}");
    let before = s.fake.calls();
    let e = s.gh.commit(REPO, &s.shas[1]).await.expect_err("waits");
    assert!(matches!(e, UpstreamError::RateLimited { .. }), "{e:?}");
    assert_eq!(s.fake.calls(), before, "no call while the budget is spent");

    let s = setup("good-token", 0).await;
    for (repo, sha) in [
        ("acme/../x", "abcdef1"),
        (REPO, "HEAD~1"),
        (REPO, "--output=x"),
        ("a/b?c", "abcdef1"),
    ] {
        let e = s.gh.commit(repo, sha).await.expect_err("refused");
        assert!(matches!(e, UpstreamError::Local(_)), "{repo} {sha}: {e:?}");
    }
    assert_eq!(s.fake.calls(), 0, "odd input never reaches GitHub");
}
