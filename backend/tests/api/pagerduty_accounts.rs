//! The PagerDuty card over several accounts, on SQLite and PostgreSQL, with two fake PagerDuty
//! accounts: the services my team owns are asked about on the account their
//! `pagerduty.com/account` annotation names (the default one without it), and the card's data
//! holds both accounts' incidents.

use std::time::Duration;

use chrono::Utc;
use trellis_fakes::pagerduty::{FakeIncident, FakePagerDuty, FakeUser};
use trellis_integrations::pagerduty::PagerDutyAccount;
use trellis_test_kit::{on_both, TestBackend};

use crate::common::TestApp;

on_both!(each_service_is_asked_on_its_account);

const CATALOG: &str = r#"
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ann}
spec: {profile: {email: ann@acme.example}, memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  annotations: {pagerduty.com/service-id: PS1}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  annotations: {pagerduty.com/service-id: PG1, pagerduty.com/account: globex}
spec: {type: service, lifecycle: production, owner: team-a}
"#;

fn account(key: &str, user: &str, number: u64) -> std::sync::Arc<FakePagerDuty> {
    let fake = FakePagerDuty::new(key);
    fake.add(
        vec![FakeUser {
            id: user.into(),
            name: "Ann".into(),
            email: "ann@acme.example".into(),
        }],
        Vec::new(),
        // Each account also has an incident on the other's service id: asked on the wrong
        // account, it would show.
        ["PS1", "PG1"]
            .iter()
            .enumerate()
            .map(|(i, s)| FakeIncident {
                number: number + 10 * i as u64,
                title: format!("Incident {}", number + 10 * i as u64),
                status: "triggered".into(),
                urgency: "high".into(),
                service: (s.to_string(), format!("svc {s}")),
                created_at: Utc::now() - chrono::Duration::minutes(number as i64),
                assignees: vec![user.into()],
            })
            .collect(),
    );
    fake
}

async fn each_service_is_asked_on_its_account(backend: TestBackend) {
    // acme: incident 1 on PS1 (mine), 11 on PG1 (not asked here); globex: 2 on PS1, 12 on PG1.
    let acme = account("acme-key", "PACME", 1);
    let globex = account("globex-key", "PGLOBEX", 2);
    let router = axum::Router::new()
        .nest("/acme", acme.router())
        .nest("/globex", globex.router());
    let (addr, _server) = trellis_fakes::serve(router).await.expect("fakes");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("catalog.yaml");
    std::fs::write(&file, CATALOG).expect("write catalog");
    let app = TestApp::with_config(backend, |c| {
        c.auth.guest_user = "user:default/ann".into();
        c.catalog.locations = vec![trellis_catalog::LocationSpec::file(
            file.display().to_string(),
        )];
        c.pager_duty.accounts = vec![
            PagerDutyAccount {
                id: "acme".into(),
                is_default: true,
                api_base_url: Some(format!("http://{addr}/acme")),
                api_token: Some("acme-key".into()),
                oauth: None,
            },
            PagerDutyAccount {
                id: "globex".into(),
                is_default: false,
                api_base_url: Some(format!("http://{addr}/globex")),
                api_token: Some("globex-key".into()),
                oauth: None,
            },
        ];
    })
    .await;
    let summary = app
        .state
        .services
        .refresh_and_wait()
        .await
        .expect("refresh");
    assert_eq!(summary.errors, 0, "{summary:?}");
    let mut data = serde_json::Value::Null;
    for _ in 0..50 {
        let res = app.get("/api/home/widgets/pagerduty").await;
        assert_eq!(res.status, 200, "{}", res.text());
        data = res.json();
        if data["problem"] != "slow" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut numbers: Vec<u64> = data["data"]["incidents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["number"].as_u64())
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        [1, 12],
        "PS1 on acme (default), PG1 on globex: {data}"
    );
    assert_eq!(data["data"]["services"], 2, "{data}");
}
