//! The PagerDuty client through real HTTP against the fake PagerDuty (`trellis-fakes`): the
//! person found by e-mail or by id, the current and next shift per escalation policy and level,
//! every page of incidents read (offset pagination, `more`) up to the cap, many services asked
//! in chunks, bad credentials and rate limits.

use std::sync::Arc;

use chrono::{Duration, Utc};
use trellis_fakes::pagerduty::{FakeIncident, FakePagerDuty, FakeShift, FakeUser};
use trellis_integrations::pagerduty::{
    Ask, PagerDutyApi, PagerDutyClient, PagerDutyConfig, MAX_INCIDENTS,
};
use trellis_integrations::{Metrics, Upstream, UpstreamError, UpstreamOptions};

fn user(id: &str, email: &str) -> FakeUser {
    FakeUser {
        id: id.into(),
        name: id.to_lowercase(),
        email: email.into(),
    }
}

fn incident(
    number: u64,
    service: &str,
    status: &str,
    minutes_ago: i64,
    assignee: &str,
) -> FakeIncident {
    FakeIncident {
        number,
        title: format!("Incident {number}"),
        status: status.into(),
        urgency: "high".into(),
        service: (service.into(), format!("svc {service}")),
        created_at: Utc::now() - Duration::minutes(minutes_ago),
        assignees: vec![assignee.into()],
    }
}

async fn setup(
    token: &str,
) -> (
    Arc<FakePagerDuty>,
    PagerDutyClient,
    tokio::task::JoinHandle<()>,
) {
    let fake = FakePagerDuty::new("pd-key");
    let now = Utc::now();
    let week = |k: i64| {
        Some((
            now + Duration::days(7 * k) - Duration::hours(1),
            now + Duration::days(7 * (k + 1)) - Duration::hours(1),
        ))
    };
    let shift = |user: &str, policy: &str, level, window| FakeShift {
        user: user.into(),
        policy: (policy.into(), format!("{policy} policy")),
        level,
        schedule: Some("weekly".into()),
        window,
    };
    fake.add(
        vec![
            user("PANN", "ann@acme.example"),
            user("PBOB", "bob@acme.example"),
        ],
        vec![
            shift("PANN", "PE1", 1, week(0)),
            shift("PANN", "PE1", 1, week(2)),
            shift("PANN", "PE2", 1, week(1)),
            shift("PANN", "PE2", 2, None),
            shift("PBOB", "PE1", 1, week(1)),
            shift("PANN", "PE3", 1, week(20)),
        ],
        vec![
            incident(1, "PS1", "triggered", 5, "PANN"),
            incident(2, "PS1", "acknowledged", 50, "PBOB"),
            incident(3, "PS1", "resolved", 1, "PANN"),
            incident(4, "PS2", "triggered", 30, "PBOB"),
            incident(5, "POTHER", "triggered", 2, "PANN"),
        ],
    );
    let (addr, task) = trellis_fakes::serve(fake.router()).await.expect("serve");
    let config = PagerDutyConfig {
        api_base_url: Some(format!("http://{addr}")),
        api_token: Some(token.into()),
        on_call_days: Some(14),
        oauth: None,
        accounts: Vec::new(),
    };
    let options = UpstreamOptions {
        retries: 0,
        ..UpstreamOptions::default()
    };
    let upstream =
        Arc::new(Upstream::new("PagerDuty", options, Metrics::default()).expect("upstream"));
    (fake, PagerDutyClient::new(&config, upstream), task)
}

fn ask(email: &str, services: &[&str]) -> Ask {
    Ask {
        user_id: None,
        email: Some(email.into()),
        service_ids: services.iter().map(|s| s.to_string()).collect(),
        accounts: Default::default(),
    }
}

#[tokio::test]
async fn shifts_and_my_teams_incidents() {
    let (_fake, client, _task) = setup("pd-key").await;
    let mine = client
        .mine(ask("ANN@acme.example", &["PS1", "PS2"]))
        .await
        .expect("mine");
    assert_eq!(mine.user.as_ref().map(|u| u.id.as_str()), Some("PANN"));
    let shifts: Vec<(&str, u32, bool)> = mine
        .on_call
        .iter()
        .map(|o| (o.policy.as_str(), o.level, o.now))
        .collect();
    // Now first, level 1 before 2 (PE1's current week, PE2's permanent level 2), then PE2's next week;
    // PE1's later week is not the earliest, PE3's is beyond 14 days.
    assert_eq!(
        shifts,
        [
            ("PE1 policy", 1, true),
            ("PE2 policy", 2, true),
            ("PE2 policy", 1, false)
        ],
        "{:?}",
        mine.on_call
    );
    let numbers: Vec<u64> = mine.incidents.iter().map(|i| i.number).collect();
    assert_eq!(
        numbers,
        [1, 4, 2],
        "open ones of my services only, newest first"
    );
    assert!(mine.incidents[0].mine && !mine.incidents[1].mine);
    assert!(!mine.more_incidents);
    assert_eq!(mine.services, 2);
    assert_eq!(mine.window_days, 14);
}

#[tokio::test]
async fn by_id_and_unknown_people() {
    let (_fake, client, _task) = setup("pd-key").await;
    let by_id = Ask {
        user_id: Some("PBOB".into()),
        email: Some("ann@acme.example".into()),
        service_ids: vec![],
        accounts: Default::default(),
    };
    let bob = client.mine(by_id).await.expect("bob");
    assert_eq!(
        bob.user.map(|u| u.id),
        Some("PBOB".into()),
        "the annotation wins over the e-mail"
    );
    assert_eq!(bob.on_call.len(), 1);
    assert!(!bob.on_call[0].now, "bob's week is next week");
    let nobody = client
        .mine(ask("nobody@acme.example", &["PS2"]))
        .await
        .expect("nobody");
    assert!(nobody.user.is_none() && nobody.on_call.is_empty());
    assert_eq!(nobody.incidents.len(), 1, "the teams' incidents still show");
}

#[tokio::test]
async fn every_page_is_read_up_to_the_cap_and_services_go_in_chunks() {
    let (fake, client, _task) = setup("pd-key").await;
    let services: Vec<String> = (0..120).map(|i| format!("PM{i:03}")).collect();
    let refs: Vec<&str> = services.iter().map(String::as_str).collect();
    // 130 incidents on the first 10 services: one chunk, two pages of at most 100.
    let ten: Vec<FakeIncident> = (0..130)
        .map(|i| {
            incident(
                100 + i,
                refs[i as usize % 10],
                "triggered",
                i as i64,
                "PBOB",
            )
        })
        .collect();
    fake.add(vec![], vec![], ten);
    let before = fake.calls();
    let mine = client
        .mine(ask("ann@acme.example", &refs[..10]))
        .await
        .expect("mine");
    assert_eq!(mine.incidents.len(), 130, "both pages are read");
    assert!(!mine.more_incidents);
    assert_eq!(
        fake.calls() - before,
        4,
        "users, oncalls, two pages of incidents"
    );
    assert_eq!(mine.incidents[0].number, 100, "newest first");
    // 130 more on services 60 to 119: three chunks of services (50, 50, 20), capped.
    let late: Vec<FakeIncident> = (0..130)
        .map(|i| {
            incident(
                300 + i,
                refs[60 + i as usize % 60],
                "acknowledged",
                i as i64,
                "PBOB",
            )
        })
        .collect();
    fake.add(vec![], vec![], late);
    let all = client
        .mine(ask("ann@acme.example", &refs))
        .await
        .expect("all");
    assert_eq!(all.incidents.len(), MAX_INCIDENTS);
    assert!(all.more_incidents, "at the cap, more are said to be open");
    assert_eq!(all.services, 120);
}

#[tokio::test]
async fn bad_credentials_and_rate_limits_are_named() {
    let (_fake, client, _task) = setup("wrong").await;
    let e = client
        .mine(ask("ann@acme.example", &[]))
        .await
        .expect_err("401");
    assert!(
        matches!(e, UpstreamError::Status { status: 401, .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains("PagerDuty") && e.to_string().contains("Unauthorized"),
        "{e}"
    );
    let (fake, client, _task) = setup("pd-key").await;
    fake.faults.set_rate_limited(true);
    let e = client
        .mine(ask("ann@acme.example", &[]))
        .await
        .expect_err("429");
    assert!(matches!(e, UpstreamError::RateLimited { .. }), "{e}");
    assert_eq!(
        client.upstream().limits().remaining(),
        Some(0),
        "ratelimit-remaining is read"
    );
}

#[test]
fn the_on_call_window_is_bounded_by_what_pagerduty_answers() {
    let config = |days| PagerDutyConfig {
        api_token: Some("k".into()),
        on_call_days: Some(days),
        ..PagerDutyConfig::default()
    };
    assert!(config(90).problems().is_empty());
    assert!(config(91).problems()[0].starts_with("pagerDuty.onCallDays"));
    assert!(config(0).problems()[0].starts_with("pagerDuty.onCallDays"));
    let bad = PagerDutyConfig {
        api_base_url: Some("api.pagerduty.com".into()),
        ..config(14)
    };
    assert!(bad.problems()[0].starts_with("pagerDuty.apiBaseUrl"));
}

#[test]
fn only_id_shaped_values_go_into_queries() {
    use trellis_integrations::pagerduty::is_id;
    assert!(is_id("P5BLJZR") && is_id("PU00012"));
    for hostile in [
        "",
        "PS1&statuses[]=resolved",
        "PS1 OR 1",
        "../users",
        &"P".repeat(33),
    ] {
        assert!(!is_id(hostile), "{hostile:?}");
    }
}
