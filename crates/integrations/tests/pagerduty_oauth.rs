//! PagerDuty's scoped OAuth through real HTTP against the fake identity service and REST API
//! (`trellis-fakes`): the client asks for a token once (naming the account and only the read
//! scopes it needs) and calls with it as `Bearer`; a revoked token is replaced once; wrong
//! credentials and scopes the app was not granted are errors saying so; a REST API key, when
//! also set, wins (as in PagerDuty's Backstage plugin).

use std::sync::Arc;

use trellis_fakes::pagerduty::{FakePagerDuty, FakeUser};
use trellis_fakes::pagerduty_oauth::FakePagerDutyApp;
use trellis_integrations::pagerduty::oauth::PagerDutyOAuthConfig;
use trellis_integrations::pagerduty::{Ask, PagerDutyApi, PagerDutyClient, PagerDutyConfig};
use trellis_integrations::{Metrics, Upstream, UpstreamOptions};

const READ: [&str; 3] = ["incidents.read", "oncalls.read", "users.read"];

struct Setup {
    fake: Arc<FakePagerDuty>,
    app: Arc<FakePagerDutyApp>,
    addr: std::net::SocketAddr,
    _task: tokio::task::JoinHandle<()>,
}

async fn setup(granted: &[&str]) -> Setup {
    let fake = FakePagerDuty::new("pd-key");
    fake.add(
        vec![FakeUser {
            id: "PANN".into(),
            name: "Ann".into(),
            email: "ann@acme.example".into(),
        }],
        Vec::new(),
        Vec::new(),
    );
    let app = FakePagerDutyApp::new("client-1", "s3cret-value", "eu", "acme", granted);
    fake.accept_oauth(app.clone());
    let router = fake.router().merge(app.router());
    let (addr, task) = trellis_fakes::serve(router).await.expect("serve");
    Setup {
        fake,
        app,
        addr,
        _task: task,
    }
}

fn client(s: &Setup, secret: &str, key: Option<&str>) -> PagerDutyClient {
    let config = PagerDutyConfig {
        api_base_url: Some(format!("http://{}", s.addr)),
        api_token: key.map(Into::into),
        oauth: Some(PagerDutyOAuthConfig {
            client_id: "client-1".into(),
            client_secret: secret.into(),
            sub_domain: "acme".into(),
            region: Some("eu".into()),
            token_url: Some(format!("http://{}/oauth/token", s.addr)),
        }),
        on_call_days: Some(14),
        accounts: Vec::new(),
    };
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert!(config.enabled());
    let options = UpstreamOptions {
        retries: 0,
        ..UpstreamOptions::default()
    };
    let upstream =
        Arc::new(Upstream::new("PagerDuty", options, Metrics::default()).expect("upstream"));
    PagerDutyClient::new(&config, upstream)
}

fn ann() -> Ask {
    Ask {
        user_id: None,
        email: Some("ann@acme.example".into()),
        service_ids: vec!["PS1".into()],
        accounts: Default::default(),
    }
}

#[tokio::test]
async fn one_token_serves_every_call_and_a_revoked_one_is_replaced_once() {
    let s = setup(&READ).await;
    let client = client(&s, "s3cret-value", None);
    let mine = client.mine(ann()).await.expect("answer");
    assert_eq!(mine.user.map(|u| u.id).as_deref(), Some("PANN"));
    assert_eq!(
        s.app.issued(),
        1,
        "one token for the user, on-call and incident calls"
    );
    client.mine(ann()).await.expect("answer");
    assert_eq!(s.app.issued(), 1, "kept until it nears its end");
    let calls = s.fake.calls();

    s.app.revoke_tokens();
    let again = client.mine(ann()).await.expect("renewed");
    assert!(again.user.is_some());
    assert_eq!(s.app.issued(), 2, "a refused token is replaced");
    assert!(s.fake.calls() > calls);
}

#[tokio::test]
async fn wrong_credentials_and_ungranted_scopes_say_so() {
    let s = setup(&READ).await;
    let e = client(&s, "wrong", None)
        .mine(ann())
        .await
        .expect_err("refused");
    let text = e.to_string();
    assert!(
        text.contains("401") && text.contains("pagerDuty.oauth"),
        "{text}"
    );
    assert!(!text.contains("wrong"), "the secret is not echoed: {text}");
    assert_eq!(s.fake.calls(), 0, "no REST call without a token");

    let narrow = setup(&["incidents.read"]).await;
    let e = client(&narrow, "s3cret-value", None)
        .mine(ann())
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("invalid_scope"), "{e}");
}

#[tokio::test]
async fn a_key_when_also_set_wins() {
    let s = setup(&READ).await;
    let client = client(&s, "s3cret-value", Some("pd-key"));
    assert!(client.mine(ann()).await.expect("answer").user.is_some());
    assert_eq!(s.app.issued(), 0);
}

#[tokio::test]
async fn a_token_endpoint_echoing_the_request_never_shows_the_secret() {
    // A proxy's error page that repeats the form it was sent, not JSON.
    let echo = axum::Router::new().route(
        "/oauth/token",
        axum::routing::post(|body: String| async move {
            (
                axum::http::StatusCode::UNAUTHORIZED,
                format!("denied: {body}"),
            )
        }),
    );
    let (addr, _task) = trellis_fakes::serve(echo).await.expect("serve");
    let s = setup(&READ).await;
    let config = PagerDutyConfig {
        api_base_url: Some(format!("http://{}", s.addr)),
        oauth: Some(PagerDutyOAuthConfig {
            client_id: "client-1".into(),
            client_secret: "s3cret value+&".into(),
            sub_domain: "acme".into(),
            region: None,
            token_url: Some(format!("http://{addr}/oauth/token")),
        }),
        ..PagerDutyConfig::default()
    };
    let upstream = Upstream::new("PagerDuty", UpstreamOptions::default(), Metrics::default());
    let c = PagerDutyClient::new(&config, Arc::new(upstream.expect("upstream")));
    let e = c.mine(ann()).await.expect_err("refused").to_string();
    assert!(
        e.contains("denied") && e.contains("client_id=client-1"),
        "{e}"
    );
    assert!(
        !e.contains("s3cret") && !e.contains("value%2B"),
        "neither as is nor form-encoded: {e}"
    );
    assert!(!format!("{c:?}").contains("s3cret"), "Debug hides it too");
}

#[tokio::test]
async fn an_absurd_token_lifetime_is_clamped_not_trusted() {
    // A token endpoint (a proxy, a broken one) claiming a token lives for ever, then none.
    let claims = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
    let issued = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (c, i) = (claims.clone(), issued.clone());
    let endpoint = axum::Router::new().route(
        "/oauth/token",
        axum::routing::post(move || {
            let n = i.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let life = c.load(std::sync::atomic::Ordering::Relaxed);
            async move {
                axum::Json(serde_json::json!({
                    "access_token": format!("t{n}"), "token_type": "bearer", "expires_in": life
                }))
            }
        }),
    );
    let (addr, _task) = trellis_fakes::serve(endpoint).await.expect("serve");
    let s = setup(&READ).await;
    let config = PagerDutyConfig {
        api_base_url: Some(format!("http://{}", s.addr)),
        oauth: Some(PagerDutyOAuthConfig {
            client_id: "client-1".into(),
            client_secret: "s3cret-value".into(),
            sub_domain: "acme".into(),
            region: None,
            token_url: Some(format!("http://{addr}/oauth/token")),
        }),
        ..PagerDutyConfig::default()
    };
    let upstream = Upstream::new("PagerDuty", UpstreamOptions::default(), Metrics::default());
    let c = PagerDutyClient::new(&config, Arc::new(upstream.expect("upstream")));
    // No panic on the overflow; the fake REST API refuses this endpoint's tokens, so the call
    // fails after one renewal, having asked twice.
    let e = c
        .mine(ann())
        .await
        .expect_err("tokens the API does not know");
    assert!(e.to_string().contains("401"), "{e}");
    assert_eq!(issued.load(std::sync::atomic::Ordering::Relaxed), 2);
    // A lifetime of 0 is read as the shortest believed (a minute), so the next call reuses it.
    claims.store(0, std::sync::atomic::Ordering::Relaxed);
    let _ = c.mine(ann()).await;
    let after = issued.load(std::sync::atomic::Ordering::Relaxed);
    let _ = c.mine(ann()).await;
    assert!(
        issued.load(std::sync::atomic::Ordering::Relaxed) <= after + 1,
        "at most the one renewal a 401 makes"
    );
}
