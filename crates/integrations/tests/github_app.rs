//! GitHub App credentials through real HTTP against the fake GitHub: the client signs the
//! app's JWT, trades it for installation tokens (kept until shortly before they expire), runs
//! the pull request search once per installation and merges the answers, calls the REST API
//! with the token of the repository owner's installation (a repository of an account without
//! one is unknown, unless a plain token is configured too), and is refused with a wrong app id.
//! An app installed on more accounts than it is worth searching is bounded: the list is read
//! for at most 1,000 installations, the search runs in at most 20 of them.

use std::sync::Arc;

use trellis_fakes::git::GitRepo;
use trellis_fakes::github::{FakeGitHub, FakePr};
use trellis_fakes::github_app::{FakeGitHubApp, TEST_PRIVATE_KEY};
use trellis_fakes::github_rest::FakeGitHubRest;
use trellis_integrations::github::{
    GitHubApi, GitHubAppConfig, GitHubClient, GitHubIntegration, GitHubRepos,
    MAX_SEARCHED_INSTALLATIONS,
};
use trellis_integrations::{
    CachePolicy, Integrations, IntegrationsConfig, Metrics, Upstream, UpstreamError,
    UpstreamOptions,
};

const APP_ID: u64 = 4242;

fn pr(repo: &str, number: u32, hour: u32) -> FakePr {
    FakePr {
        repo: repo.into(),
        number,
        title: format!("Change {number}"),
        author: "ann".into(),
        open: true,
        draft: false,
        created_at: "2026-11-30T10:00:00Z".into(),
        updated_at: format!("2026-12-01T{hour:02}:00:00Z"),
        review_decision: None,
        mergeable: "MERGEABLE",
        rollup: None,
        check_runs: Vec::new(),
        requested: vec!["bob".into()],
        requested_teams: Vec::new(),
    }
}

struct Setup {
    app: Arc<FakeGitHubApp>,
    graphql: Arc<FakeGitHub>,
    gh: Arc<GitHubClient>,
    commit: String,
    _server: tokio::task::JoinHandle<()>,
}

/// The app installed on `acme` and `globex` (not `initech`); pull requests and a repository
/// in each of the three accounts.
async fn setup(app_id: u64, allowed: Option<&[&str]>, token: Option<&str>) -> Setup {
    let app = FakeGitHubApp::new(APP_ID, &[(1, "acme"), (2, "globex")]);
    let graphql = FakeGitHub::new("plain-token");
    graphql.add_prs([
        pr("acme/web", 1, 9),
        pr("globex/api", 2, 11),
        pr("initech/tps", 3, 12),
    ]);
    graphql.accept_app(app.clone());
    let rest = FakeGitHubRest::new("plain-token");
    let mut commit = String::new();
    for slug in ["acme/web", "initech/tps"] {
        let git = GitRepo::create(slug, 1_780_000_000).expect("git");
        commit = git.commit("initial").expect("commit");
        rest.add_repo(slug, git);
    }
    rest.accept_app(app.clone());
    let router = graphql.router().merge(rest.router()).merge(app.router());
    let (addr, server) = trellis_fakes::serve(router).await.expect("fake");
    let config = IntegrationsConfig {
        github: vec![GitHubIntegration {
            host: "github.example".into(),
            token: token.map(Into::into),
            api_base_url: Some(format!("http://{addr}")),
            apps: vec![GitHubAppConfig {
                app_id,
                private_key: TEST_PRIVATE_KEY.into(),
                client_id: None,
                client_secret: None,
                webhook_secret: None,
                allowed_installation_owners: allowed
                    .map(|a| a.iter().map(|s| s.to_string()).collect()),
            }],
        }],
        ..IntegrationsConfig::default()
    };
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    let upstream = Upstream::new("GitHub", UpstreamOptions::default(), Metrics::default());
    let gh = GitHubClient::new(&config.github[0], Arc::new(upstream.expect("upstream")));
    Setup {
        app,
        graphql,
        gh: Arc::new(gh.expect("client")),
        commit,
        _server: server,
    }
}

fn repos_of(p: &trellis_shared::views::home::PullRequests) -> (Vec<&str>, u32) {
    let repos = p.mine.iter().map(|pr| pr.repository.as_str()).collect();
    (repos, p.mine_total)
}

#[tokio::test]
async fn the_search_runs_per_installation_and_tokens_are_kept_until_they_expire() {
    let s = setup(APP_ID, None, None).await;
    let gh = &s.gh;
    let p = GitHubApi::pull_requests(&**gh, "ann".into(), 10)
        .await
        .expect("answer");
    assert_eq!(
        repos_of(&p),
        (vec!["globex/api", "acme/web"], 2),
        "both installations' pull requests, newest update first; none where the app is not installed"
    );
    assert_eq!((s.graphql.calls(), s.app.issued()), (2, 2));

    GitHubApi::pull_requests(&**gh, "bob".into(), 10)
        .await
        .expect("answer");
    assert_eq!(s.app.issued(), 2, "the tokens are reused within their hour");
    assert_eq!(s.graphql.calls(), 4);

    s.app.expire_tokens();
    let p = GitHubApi::pull_requests(&**gh, "ann".into(), 1)
        .await
        .expect("answer");
    assert_eq!(
        s.app.issued(),
        4,
        "tokens GitHub no longer accepts are renewed, and the search made again"
    );
    assert_eq!(
        repos_of(&p),
        (vec!["globex/api"], 2),
        "`first` bounds the merged list"
    );
}

#[tokio::test]
async fn allowed_owners_limit_the_installations() {
    let s = setup(APP_ID, Some(&["globex"]), None).await;
    let gh = &s.gh;
    let p = GitHubApi::pull_requests(&**gh, "ann".into(), 10)
        .await
        .expect("answer");
    assert_eq!(repos_of(&p), (vec!["globex/api"], 1));
    assert_eq!(
        s.app.issued(),
        1,
        "no token for an installation that is not allowed"
    );

    let none = setup(APP_ID, Some(&["initech"]), None).await;
    let gh = &none.gh;
    let e = GitHubApi::pull_requests(&**gh, "ann".into(), 10)
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("not installed"), "{e}");
}

#[tokio::test]
async fn a_suspended_installation_is_left_out_and_the_others_searched() {
    let s = setup(APP_ID, None, None).await;
    s.app.suspend(1);
    let p = GitHubApi::pull_requests(&*s.gh, "ann".into(), 10)
        .await
        .expect("answer");
    assert_eq!(repos_of(&p), (vec!["globex/api"], 1), "acme's is suspended");
    assert_eq!(s.app.issued(), 1);
}

#[tokio::test]
async fn rest_calls_use_the_owners_installation_or_the_token() {
    let s = setup(APP_ID, None, None).await;
    let repos = &s.gh;
    let short = &s.commit[..8];
    let found = GitHubRepos::commit(&**repos, "acme/web", short)
        .await
        .expect("answer");
    assert_eq!(found.map(|c| c.sha), Some(s.commit.clone()));
    assert!(
        GitHubRepos::commit(&**repos, "initech/tps", short)
            .await
            .expect("answer")
            .is_none(),
        "no installation on initech: GitHub does not show it"
    );
    s.app.expire_tokens();
    let again = GitHubRepos::commit(&**repos, "acme/web", short)
        .await
        .expect("renewed");
    assert!(again.is_some(), "a refused installation token is renewed");
    assert_eq!(s.app.issued(), 2, "one token for acme, then its renewal");

    let both = setup(APP_ID, None, Some("plain-token")).await;
    let repos = &both.gh;
    let found = GitHubRepos::commit(&**repos, "initech/tps", short)
        .await
        .expect("answer");
    assert!(
        found.is_some(),
        "the plain token reaches the owner without an installation"
    );
}

#[tokio::test]
async fn a_wrong_app_id_is_refused_by_github() {
    let s = setup(APP_ID + 1, None, None).await;
    let gh = &s.gh;
    match GitHubApi::pull_requests(&**gh, "ann".into(), 10).await {
        Err(UpstreamError::Status { status: 401, .. }) => {}
        other => panic!("expected GitHub's 401 for the JWT, got {other:?}"),
    }
    assert_eq!((s.app.issued(), s.graphql.calls()), (0, 0));
}

#[test]
fn a_bad_private_key_is_named() {
    let config = IntegrationsConfig {
        github: vec![GitHubIntegration {
            host: "github.com".into(),
            apps: vec![GitHubAppConfig {
                app_id: 1,
                private_key: "-----BEGIN RSA PRIVATE KEY-----\nnope\n".into(),
                client_id: None,
                client_secret: None,
                webhook_secret: None,
                allowed_installation_owners: Some(vec!["bad/owner".into()]),
            }],
            ..GitHubIntegration::default()
        }],
        ..IntegrationsConfig::default()
    };
    let p = config.problems();
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].starts_with("integrations.github[0].apps[0].privateKey"));
    assert!(p[1].contains("'bad/owner'"));
    assert!(Integrations::new(&config, CachePolicy::default()).is_err());
}

#[tokio::test]
async fn an_app_on_thousands_of_accounts_is_read_and_searched_within_bounds() {
    let accounts: Vec<(u64, String)> = (1..=2345).map(|i| (i, format!("org-{i}"))).collect();
    let refs: Vec<(u64, &str)> = accounts.iter().map(|(i, o)| (*i, o.as_str())).collect();
    let app = FakeGitHubApp::new(APP_ID, &refs);
    let graphql = FakeGitHub::new("plain-token");
    graphql.add_prs([pr("org-1/web", 1, 9), pr("org-2000/api", 2, 10)]);
    graphql.accept_app(app.clone());
    let (addr, _server) = trellis_fakes::serve(graphql.router().merge(app.router()))
        .await
        .expect("fake");
    let config = GitHubIntegration {
        host: "github.example".into(),
        token: None,
        api_base_url: Some(format!("http://{addr}")),
        apps: vec![GitHubAppConfig {
            app_id: APP_ID,
            private_key: TEST_PRIVATE_KEY.into(),
            client_id: None,
            client_secret: None,
            webhook_secret: None,
            allowed_installation_owners: None,
        }],
    };
    let upstream = Upstream::new("GitHub", UpstreamOptions::default(), Metrics::default());
    let gh = GitHubClient::new(&config, Arc::new(upstream.expect("upstream"))).expect("client");
    let p = GitHubApi::pull_requests(&gh, "ann".into(), 10)
        .await
        .expect("answer");
    assert_eq!(
        repos_of(&p),
        (vec!["org-1/web"], 1),
        "searched in the first installations only"
    );
    assert_eq!(app.pages_served(), 10, "at most ten pages of 100 are read");
    assert_eq!(app.issued(), MAX_SEARCHED_INSTALLATIONS as u64);
    GitHubApi::pull_requests(&gh, "bob".into(), 10)
        .await
        .expect("answer");
    assert_eq!(app.pages_served(), 10, "the list is kept, not read again");
    assert_eq!(
        app.issued(),
        MAX_SEARCHED_INSTALLATIONS as u64,
        "tokens are kept"
    );
}
