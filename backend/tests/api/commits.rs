//! Find any commit end to end, on SQLite and PostgreSQL, with GitHub's REST API played by the
//! fake over a real git repository (deploy events: `deploy_events.rs`, the cards:
//! `commit_cards.rs`): `GET /api/commits` says for every deploy target whether a pull request
//! or commit is live, since which deploy, rolled back, or in which release it first shipped —
//! by ancestry.

use axum::body::Body;
use axum::http::Request;
use trellis_fakes::git::GitRepo;
use trellis_fakes::github_rest::{FakeGitHubRest, RestPull};
use trellis_integrations::github::GitHubIntegration;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get, proxy_app};
use crate::common::TestApp;

on_both!(changes_are_found_where_they_are_live);

pub(crate) const ANN: &str = "ann@acme.example";
pub(crate) const TOKEN: &str = "ci-token-0123456789abcdef";
const REPO: &str = "acme/ranker";

const COMPONENTS: &str = r#"
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ranker-api
  annotations: {github.com/project-slug: acme/ranker}
spec: {type: service, lifecycle: production, owner: group:search-ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ranker-worker
  annotations: {github.com/project-slug: acme/ranker}
spec: {type: service, lifecycle: production, owner: group:search-ranking}
"#;

pub(crate) fn event(
    id: &str,
    component: &str,
    environment: &str,
    sha: &str,
    at: &str,
) -> serde_json::Value {
    serde_json::json!({
        "context": {"version": "0.4.1", "id": id, "source": "ci/acme",
                    "type": "dev.cdevents.service.deployed.0.2.0", "timestamp": at},
        "subject": {"id": format!("service/{component}"), "source": "ci/acme", "type": "service",
                    "content": {"environment": {"id": environment},
                                "artifactId": format!("pkg:oci/{component}@sha256%3Aab?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Facme%2Franker%40{sha}")}},
    })
}

pub(crate) fn post(body: String, token: Option<&str>) -> Request<Body> {
    let mut r = Request::post("/api/deployments/events").header("content-type", "application/json");
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    r.body(Body::from(body)).expect("request")
}

/// main: initial, then merges of pull requests 1..=5 (`merges[n]` is #n's merge commit).
fn history(fake: &FakeGitHubRest) -> Vec<String> {
    let git = GitRepo::create(REPO, 1_780_000_000).expect("git");
    let mut merges = vec![git.commit("initial").expect("commit")];
    for n in 1..=5 {
        merges.push(
            git.merge_pull(n as u32, &format!("change {n}"))
                .expect("merge"),
        );
        if n == 2 || n == 4 {
            git.tag(&format!("ios-v1.{n}.0"), &merges[n]).expect("tag");
        }
    }
    git.tag("ios-v1.10.0", &merges[5]).expect("tag");
    fake.add_repo(REPO, git);
    for n in 1..=5u32 {
        fake.add_pull(
            REPO,
            RestPull {
                number: n,
                title: format!("Change {n}"),
                author: "ann".into(),
                merge_commit: Some(merges[n as usize].clone()),
                merged_at: Some("2026-12-01T09:00:00Z".into()),
            },
        );
    }
    fake.add_pull(
        REPO,
        RestPull {
            number: 6,
            title: "Open".into(),
            author: "ann".into(),
            merge_commit: None,
            merged_at: None,
        },
    );
    // production: #2, then #4 (rolled back to #3's merge).
    fake.deploy(
        REPO,
        "production",
        &merges[2],
        "inactive",
        "2026-12-01T10:00:00Z",
    );
    fake.deploy(
        REPO,
        "production",
        &merges[4],
        "inactive",
        "2026-12-01T11:00:00Z",
    );
    fake.deploy(
        REPO,
        "production",
        &merges[3],
        "success",
        "2026-12-01T12:00:00Z",
    );
    merges
}

/// The app with the components above, GitHub played by the fake over [`history`], three deploy
/// targets and the CI token; the guards keep the fake and the files alive.
pub(crate) async fn app(backend: TestBackend) -> (TestApp, Vec<String>, Guards) {
    app_with(backend, std::time::Duration::ZERO).await
}

/// [`app`] with GitHub's REST API answering after `latency`, and pages waiting 200 ms for it.
pub(crate) async fn app_with(
    backend: TestBackend,
    latency: std::time::Duration,
) -> (TestApp, Vec<String>, Guards) {
    let fake = FakeGitHubRest::new("gh-token");
    fake.faults.set_latency(latency);
    let merges = history(&fake);
    // GraphQL (ann's merged pull requests) and REST on one host, as on github.com.
    let graphql = trellis_fakes::github::FakeGitHub::new("gh-token");
    graphql.add_merged([trellis_fakes::github::FakeMerged {
        repo: REPO.into(),
        number: 4,
        title: "Change 4".into(),
        author: "ann".into(),
        merged_at: "2026-12-01T09:00:00Z".into(),
        merge_commit: merges[4].clone(),
    }]);
    let routes = fake.router().merge(graphql.router());
    let (addr, server) = trellis_fakes::serve(routes).await.expect("fake");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("components.yaml");
    std::fs::write(&file, COMPONENTS).expect("write");
    let (app, org) = proxy_app(backend, |c| {
        if !latency.is_zero() {
            c.home.wait_for_ms = 200;
        }
        c.catalog
            .locations
            .push(trellis_catalog::LocationSpec::file(
                file.display().to_string(),
            ));
        c.integrations.github = vec![GitHubIntegration {
            host: "github.com".into(),
            token: Some("gh-token".into()),
            api_base_url: Some(format!("http://{addr}")),
            apps: Vec::new(),
        }];
        c.deployments = serde_json::from_value(serde_json::json!({"environments": [
            {"name": "production", "source": "githubDeployments"},
            {"name": "staging", "source": "events"},
            {"name": "ios", "source": "releaseTags", "tagPattern": "ios-v*"},
        ]}))
        .expect("deployments");
        c.backend = serde_json::from_value(serde_json::json!({"auth": {"externalAccess": [
            {"type": "static", "options": {"token": TOKEN, "subject": "ci"},
             "accessRestrictions": [{"plugin": "deployments"}]},
        ]}}))
        .expect("backend");
    })
    .await;
    (app, merges, (server, dir, org))
}

/// What keeps a test app's fake GitHub and catalog files alive.
pub(crate) type Guards = (
    tokio::task::JoinHandle<()>,
    tempfile::TempDir,
    tempfile::TempDir,
);

async fn changes_are_found_where_they_are_live(backend: TestBackend) {
    let (app, merges, _guards) = app(backend).await;
    let staged = event(
        "d-1",
        "ranker-api",
        "staging",
        &merges[5],
        "2026-12-01T13:00:00Z",
    );
    let r = app.send(post(staged.to_string(), Some(TOKEN))).await;
    assert_eq!(r.status, 201, "{}", r.text());

    // #3: live in production since #4's deployment (which contains it; the rollback to #3
    // kept it), staging has it (the event's commit contains it), first shipped in ios-v1.4.0.
    let r = call(&app, get("/api/commits?q=acme/ranker%233"), ANN).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let report = r.json();
    assert_eq!(report["commit"]["sha"], merges[3].as_str());
    assert_eq!(
        report["components"],
        serde_json::json!(["ranker-api", "ranker-worker"])
    );
    let targets = report["targets"].as_array().expect("targets").clone();
    let find = |env: &str| {
        targets
            .iter()
            .find(|t| t["environment"] == env)
            .cloned()
            .expect(env)
    };
    assert_eq!(find("production")["state"], "live", "{report}");
    assert_eq!(
        find("production")["carriedBy"]["at"],
        "2026-12-01T11:00:00Z",
        "{report}"
    );
    assert_eq!(find("staging")["state"], "live");
    assert_eq!(find("staging")["component"], "ranker-api");
    assert_eq!(find("ios")["state"], "live");
    assert_eq!(
        find("ios")["carriedBy"]["label"],
        "ios-v1.4.0",
        "v1.10.0 sorts after v1.4.0"
    );

    // #4 went out and was rolled back; #5 is not in production yet; #2 lives since the first.
    let r = call(
        &app,
        get("/api/commits?q=https://github.com/acme/ranker/pull/4"),
        ANN,
    )
    .await
    .json();
    let prod = &r["targets"][0];
    assert_eq!(prod["state"], "rolledBack", "{r}");
    assert_eq!(prod["carriedBy"]["at"], "2026-12-01T11:00:00Z");
    assert_eq!(prod["rolledBackBy"]["at"], "2026-12-01T12:00:00Z");
    let short = &merges[5][..9];
    let r = call(&app, get(&format!("/api/commits?q={short}")), ANN).await;
    assert_eq!(
        r.status,
        200,
        "a bare short SHA is found in the catalog's repositories: {}",
        r.text()
    );
    assert_eq!(r.json()["repository"], REPO);
    assert_eq!(r.json()["targets"][0]["state"], "notYet");
    let r = call(&app, get("/api/commits?q=acme/ranker%236"), ANN)
        .await
        .json();
    assert!(
        r["pull"]["mergedAt"].is_null() && r["targets"].as_array().is_some_and(Vec::is_empty),
        "{r}"
    );

    // Bad input is named; unknown things are 404s.
    for (q, status, says) in [
        ("drop%20table", 400, "is not something to find"),
        ("acme/ranker%23999", 404, "no pull request #999"),
        ("deadbeef", 404, "no commit deadbeef"),
        ("acme/ranker@abc", 400, "not a commit SHA"),
    ] {
        let r = call(&app, get(&format!("/api/commits?q={q}")), ANN).await;
        assert_eq!(r.status, status, "{q}: {}", r.text());
        assert!(r.text().contains(says), "{q}: {}", r.text());
    }

    // Each find may cost GitHub many calls: a person's finds are bounded per minute (429), and
    // one person's spent budget is not another's.
    let mut refused = None;
    for i in 0..40 {
        let r = call(&app, get("/api/commits?q=acme/ranker%232"), ANN).await;
        if r.status == 429 {
            refused = Some((i, r.text()));
            break;
        }
    }
    let (after, text) = refused.expect("refused within 40 finds");
    assert!(
        after < 30 && text.contains("at most 30 finds a minute"),
        "{after}: {text}"
    );
    let bob = call(
        &app,
        get("/api/commits?q=acme/ranker%232"),
        "bob@acme.example",
    )
    .await;
    assert_eq!(bob.status, 200, "{}", bob.text());
}
