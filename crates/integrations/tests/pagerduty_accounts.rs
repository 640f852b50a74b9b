//! Several PagerDuty accounts (`pagerDuty.accounts[]`) through real HTTP against two fake
//! PagerDuty accounts: each service is asked about on the account its annotation names (the
//! default one otherwise, and for an account not configured), I am found on each by my e-mail,
//! the shifts and incidents of both are merged; one account signs in with a key, the other
//! with scoped OAuth; the config is checked (ids, defaults, credentials).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, Utc};
use trellis_fakes::pagerduty::{FakeIncident, FakePagerDuty, FakeShift, FakeUser};
use trellis_fakes::pagerduty_oauth::FakePagerDutyApp;
use trellis_integrations::pagerduty::oauth::PagerDutyOAuthConfig;
use trellis_integrations::pagerduty::{
    Ask, PagerDutyAccount, PagerDutyAccounts, PagerDutyApi, PagerDutyConfig,
};
use trellis_integrations::{Metrics, Upstream, UpstreamOptions};

fn account(user: &str, service: &str, policy: &str, number: u64) -> Arc<FakePagerDuty> {
    let fake = FakePagerDuty::new(&format!("key-{user}"));
    let now = Utc::now();
    fake.add(
        vec![FakeUser {
            id: user.into(),
            name: "Ann".into(),
            email: "ann@acme.example".into(),
        }],
        vec![FakeShift {
            user: user.into(),
            policy: (policy.into(), format!("{policy} policy")),
            level: 1,
            schedule: None,
            window: Some((now - Duration::hours(1), now + Duration::hours(5))),
        }],
        vec![FakeIncident {
            number,
            title: format!("Incident {number}"),
            status: "triggered".into(),
            urgency: "high".into(),
            service: (service.into(), format!("svc {service}")),
            created_at: now - Duration::minutes(i64::try_from(number).unwrap_or(0)),
            assignees: vec![user.into()],
        }],
    );
    fake
}

fn accounts(base: &str) -> Vec<PagerDutyAccount> {
    vec![
        PagerDutyAccount {
            id: "acme".into(),
            is_default: true,
            api_base_url: Some(format!("{base}/acme")),
            api_token: Some("key-PACME".into()),
            oauth: None,
        },
        PagerDutyAccount {
            id: "globex".into(),
            is_default: false,
            api_base_url: Some(format!("{base}/globex")),
            api_token: None,
            oauth: Some(PagerDutyOAuthConfig {
                client_id: "globex-app".into(),
                client_secret: "globex-secret".into(),
                sub_domain: "globex".into(),
                region: None,
                token_url: Some(format!("{base}/identity/oauth/token")),
            }),
        },
    ]
}

#[tokio::test]
async fn each_service_on_its_account_and_the_answers_merged() {
    let acme = account("PACME", "PS1", "PE-ACME", 1);
    let globex = account("PGLOBEX", "PG1", "PE-GLOBEX", 2);
    let app = FakePagerDutyApp::new(
        "globex-app",
        "globex-secret",
        "us",
        "globex",
        &["incidents.read", "oncalls.read", "users.read"],
    );
    globex.accept_oauth(app.clone());
    let router = axum::Router::new()
        .nest("/acme", acme.router())
        .nest("/globex", globex.router())
        .nest("/identity", app.router());
    let (addr, _task) = trellis_fakes::serve(router).await.expect("serve");
    let config = PagerDutyConfig {
        accounts: accounts(&format!("http://{addr}")),
        ..PagerDutyConfig::default()
    };
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert!(config.enabled());
    let upstream = Upstream::new("PagerDuty", UpstreamOptions::default(), Metrics::default());
    let client = PagerDutyAccounts::new(&config, Arc::new(upstream.expect("upstream")));
    let ask = Ask {
        user_id: Some("PACME".into()),
        email: Some("ann@acme.example".into()),
        service_ids: vec!["PG1".into(), "PS1".into(), "PX9".into()],
        accounts: BTreeMap::from([
            ("PG1".to_string(), "globex".to_string()),
            ("PX9".to_string(), "initech".to_string()),
        ]),
    };
    let mine = client.mine(ask).await.expect("answer");
    assert_eq!(
        mine.user.map(|u| u.id).as_deref(),
        Some("PACME"),
        "the default account's me"
    );
    let policies: Vec<&str> = mine.on_call.iter().map(|o| o.policy.as_str()).collect();
    assert_eq!(policies.len(), 2, "{policies:?}");
    assert!(policies.contains(&"PE-ACME policy") && policies.contains(&"PE-GLOBEX policy"));
    let numbers: Vec<u64> = mine.incidents.iter().map(|i| i.number).collect();
    assert_eq!(numbers, [1, 2], "both accounts' incidents, newest first");
    assert!(
        mine.incidents.iter().all(|i| i.mine),
        "assigned to me on each account"
    );
    assert_eq!(
        mine.services, 3,
        "PX9's account is not configured: asked on the default"
    );
    assert_eq!(app.issued(), 1, "globex signed in with OAuth");
}

#[test]
fn accounts_are_checked() {
    let base = "https://api.pagerduty.com";
    let problems = |accounts: Vec<PagerDutyAccount>| {
        PagerDutyConfig {
            accounts,
            ..PagerDutyConfig::default()
        }
        .problems()
        .join("\n")
    };
    let mut two_defaults = accounts(base);
    two_defaults[1].is_default = true;
    assert!(problems(two_defaults).contains("only one account can be isDefault"));
    let mut no_default = accounts(base);
    no_default[0].is_default = false;
    assert!(problems(no_default).contains("mark one account isDefault"));
    let mut twice = accounts(base);
    twice[1].id = "acme".into();
    assert!(problems(twice).contains("pagerDuty.accounts[1].id: 'acme' is listed twice"));
    let mut bare = accounts(base);
    bare[0].api_token = None;
    if let Some(o) = bare[1].oauth.as_mut() {
        o.region = Some("apac".into());
    }
    let text = problems(bare);
    assert!(
        text.contains("pagerDuty.accounts[0]: needs apiToken or oauth"),
        "{text}"
    );
    assert!(
        text.contains("pagerDuty.accounts[1].oauth.region"),
        "{text}"
    );
    let mut hostile = accounts(base);
    hostile[0].id = "../acme".into();
    assert!(problems(hostile).contains("pagerDuty.accounts[0].id"));
    let one = vec![PagerDutyAccount {
        is_default: false,
        ..accounts(base).remove(0)
    }];
    assert_eq!(problems(one), "", "a single account is the default");
    assert!(
        !format!("{:?}", accounts(base)).contains("key-PACME"),
        "Debug hides the key"
    );
    let many: Vec<PagerDutyAccount> = (0..=trellis_integrations::pagerduty::MAX_ACCOUNTS)
        .map(|i| PagerDutyAccount {
            id: format!("a{i}"),
            is_default: i == 0,
            api_token: Some("k".into()),
            ..PagerDutyAccount::default()
        })
        .collect();
    assert!(problems(many).contains("pagerDuty.accounts: at most 20 accounts"));
}
