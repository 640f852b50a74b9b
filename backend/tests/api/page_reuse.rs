//! A person's unchanged home page served again (`home.pageCacheSecs`), on SQLite and
//! PostgreSQL, with GitHub played by the fake: the second load of `/` is the kept page, byte
//! for byte but for a script nonce of its own (in the policy and in every script), gzip-compressed
//! once for browsers that ask; another
//! person gets their own page; a change the person makes shows on their next load; a hard
//! reload, a query, a page with a card still loading and a replica configured with 0 seconds
//! all render anew.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use trellis_fakes::github::{FakeGitHub, FakePr};
use trellis_integrations::github::GitHubIntegration;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get, proxy_app};
use crate::common::{TestApp, TestResponse};

on_both!(
    an_unchanged_page_is_served_again_only_to_its_person_with_a_nonce_of_its_own,
    pages_still_loading_or_turned_off_are_not_kept
);

const ANN: &str = "ann@acme.example";
const BOB: &str = "bob@acme.example";
const PAT: &str = "pat@acme.example";

fn pr(number: u32, title: &str, author: &str) -> FakePr {
    FakePr {
        repo: "acme/ledger".into(),
        number,
        title: title.into(),
        author: author.into(),
        open: true,
        draft: false,
        created_at: "2026-11-30T10:00:00Z".into(),
        updated_at: "2026-12-01T10:00:00Z".into(),
        review_decision: Some("REVIEW_REQUIRED"),
        mergeable: "MERGEABLE",
        rollup: Some("SUCCESS"),
        check_runs: vec![("SUCCESS", 3)],
        requested: Vec::new(),
        requested_teams: vec![],
    }
}

/// The app with GitHub played by `fake`, with `adjust` applied.
async fn app_with(
    backend: TestBackend,
    fake: &std::sync::Arc<FakeGitHub>,
    adjust: impl FnOnce(&mut trellis::config::Config),
) -> (TestApp, tempfile::TempDir, tokio::task::JoinHandle<()>) {
    let (addr, server) = trellis_fakes::serve(fake.router())
        .await
        .expect("fake GitHub");
    let (app, dir) = proxy_app(backend, |c| {
        c.integrations.github = vec![GitHubIntegration {
            host: "github.com".into(),
            token: Some("test-token".into()),
            api_base_url: Some(format!("http://{addr}/api/v3")),
            apps: Vec::new(),
        }];
        adjust(c);
    })
    .await;
    (app, dir, server)
}

/// The script nonce in a page's policy.
fn nonce(page: &TestResponse) -> String {
    let policy = page.header("content-security-policy").unwrap_or_default();
    let rest = policy
        .split_once("'nonce-")
        .map(|(_, r)| r)
        .unwrap_or_default();
    rest.split_once('\'')
        .map(|(n, _)| n)
        .unwrap_or_default()
        .to_string()
}

/// Waits until `app` has kept `n` pages in all (keeping happens once a page has gone out).
async fn kept(app: &TestApp, n: u64) {
    for _ in 0..200 {
        if app.state.services.pages.counts().2 >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "{n} pages never kept: {:?}",
        app.state.services.pages.counts()
    );
}

async fn an_unchanged_page_is_served_again_only_to_its_person_with_a_nonce_of_its_own(
    backend: TestBackend,
) {
    let fake = FakeGitHub::new("test-token");
    fake.add_prs([
        pr(1, "Ann's ranking change", "ann"),
        pr(2, "Bob's private refactor", "bob"),
    ]);
    let (app, _dir, _server) = app_with(backend, &fake, |_| {}).await;
    let pages = || app.state.services.pages.counts();

    let first = call(&app, get("/"), ANN).await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert!(
        first.text().contains("Ann's ranking change"),
        "{}",
        first.text()
    );
    kept(&app, 1).await;
    let second = call(&app, get("/"), ANN).await;
    assert_eq!(second.status, 200);
    assert_eq!(pages().0, 1, "the second load is the kept page");
    let (n1, n2) = (nonce(&first), nonce(&second));
    assert!(n1.len() >= 16 && n2.len() >= 16, "{n1} {n2}");
    assert_ne!(n1, n2, "each answer has its own nonce");
    let (a, b) = (first.text(), second.text());
    assert!(!b.contains(&n1), "the render's nonce is gone");
    assert!(
        b.contains(&format!("nonce=\"{n2}\"")),
        "scripts carry the answer's nonce"
    );
    assert_eq!(
        a.matches(&n1).count(),
        b.matches(&n2).count(),
        "every nonce replaced"
    );
    assert_eq!(b.replace(&n2, &n1), a, "otherwise the page as rendered");

    // As browsers ask: gzip, compressed once when kept, with this answer's nonce inside.
    let request = Request::get("/")
        .header("accept-encoding", "gzip, deflate, br")
        .body(Body::empty())
        .expect("request");
    let zipped = call(&app, request, ANN).await;
    assert_eq!(pages().0, 2);
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    let mut unzipped = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&zipped.body[..]),
        &mut unzipped,
    )
    .expect("valid gzip");
    let n3 = nonce(&zipped);
    assert!(n3 != n1 && n3 != n2);
    assert_eq!(unzipped.replace(&n3, &n1), a, "the same page");

    // Bob: his own page, never Ann's kept one; and Ann's never shows Bob's.
    let bob = call(&app, get("/"), BOB).await.text();
    assert!(bob.contains("Bob's private refactor"), "{bob}");
    assert!(!bob.contains("Ann's ranking change"), "{bob}");
    assert!(!b.contains("Bob's private refactor"));
    assert_eq!(pages().0, 2, "Bob's load was no hit");

    // Ann adds a link: her next load shows it (her kept page was dropped).
    let link = json!({"title": "Runbooks of the ledger", "url": "https://wiki.acme.example/rb"});
    let request = Request::post("/api/me/links")
        .header("content-type", "application/json")
        .body(Body::from(link.to_string()))
        .expect("request");
    assert_eq!(call(&app, request, ANN).await.status, 201);
    let after = call(&app, get("/"), ANN).await.text();
    assert!(after.contains("Runbooks of the ledger"), "{after}");
    assert_eq!(pages().0, 2, "a change is no hit");

    // A hard reload and a page with a query render anew.
    kept(&app, 3).await;
    let hits = pages().0;
    let reload = Request::get("/")
        .header("cache-control", "no-cache")
        .body(Body::empty())
        .expect("request");
    assert_eq!(call(&app, reload, ANN).await.status, 200);
    let query = call(&app, get("/?jira-issues=status%3DDone"), ANN).await;
    assert_eq!(query.status, 200);
    assert_eq!(pages().0, hits, "neither was served from the kept pages");
    assert_eq!(call(&app, get("/"), ANN).await.status, 200);
    assert_eq!(pages().0, hits + 1);

    let metrics = call(&app, get("/metrics"), "root@acme.example")
        .await
        .text();
    assert!(
        metrics.contains("trellis_page_cache_total{outcome=\"hit\"}"),
        "{metrics}"
    );
}

async fn pages_still_loading_or_turned_off_are_not_kept(backend: TestBackend) {
    let fake = FakeGitHub::new("test-token");
    fake.add_prs([pr(1, "Pat's slow change", "pat")]);
    // GitHub slower than the page waits: Pat's pull requests card says so, and loads again.
    fake.faults.set_latency(Duration::from_millis(1500));
    let (app, _dir, _server) = app_with(backend, &fake, |c| c.home.wait_for_ms = 100).await;
    let first = call(&app, get("/"), PAT).await.text();
    assert!(first.contains("unsettled"), "{first}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    call(&app, get("/"), PAT).await;
    assert_eq!(
        app.state.services.pages.counts().0,
        0,
        "nothing kept to hit"
    );

    let fake = FakeGitHub::new("test-token");
    let (off, _dir, _server) = app_with(backend, &fake, |c| c.home.page_cache_secs = 0).await;
    for _ in 0..2 {
        assert_eq!(call(&off, get("/"), ANN).await.status, 200);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(off.state.services.pages.counts(), (0, 0, 0));
    assert!(!off.state.services.pages.enabled());
}
